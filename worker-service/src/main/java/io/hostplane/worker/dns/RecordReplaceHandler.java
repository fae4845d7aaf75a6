package io.hostplane.worker.dns;

import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.JobTypes;
import org.springframework.stereotype.Component;

/** {@code dns.record.replace}: one record replaced (PUT); a record that no longer exists fails the job. */
@Component
class RecordReplaceHandler extends DnsChangesHandler {

    RecordReplaceHandler(DnsBackend backend, DnsWarnings warnings, DnsJobResults results, EventCodec codec) {
        super(backend, warnings, results, codec);
    }

    @Override
    public String jobType() {
        return JobTypes.DNS_RECORD_REPLACE;
    }
}
