package io.hostplane.worker.dns;

import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.JobTypes;
import org.springframework.stereotype.Component;

/** {@code dns.record.delete}: one record deleted; one already gone is done. */
@Component
class RecordDeleteHandler extends DnsChangesHandler {

    RecordDeleteHandler(DnsBackend backend, DnsWarnings warnings, DnsJobResults results, EventCodec codec) {
        super(backend, warnings, results, codec);
    }

    @Override
    public String jobType() {
        return JobTypes.DNS_RECORD_DELETE;
    }
}
