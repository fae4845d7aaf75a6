package io.hostplane.worker.dns;

import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.JobTypes;
import org.springframework.stereotype.Component;

/** {@code dns.batch}: an atomic list of creates, replaces and deletes (PATCH, zone-file import). */
@Component
class DnsBatchHandler extends DnsChangesHandler {

    DnsBatchHandler(DnsBackend backend, DnsWarnings warnings, DnsJobResults results, EventCodec codec) {
        super(backend, warnings, results, codec);
    }

    @Override
    public String jobType() {
        return JobTypes.DNS_BATCH;
    }
}
