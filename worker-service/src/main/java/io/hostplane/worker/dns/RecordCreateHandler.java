package io.hostplane.worker.dns;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.JobTypes;
import io.hostplane.worker.system.CommandHandler;
import org.springframework.stereotype.Component;

/**
 * {@code dns.record.create}: adds one record; an identical record already there is the result, with
 * {@code RECORD_EXISTS}; otherwise the zone's warnings about the new record ({@link DnsWarnings}).
 */
@Component
class RecordCreateHandler implements CommandHandler {

    private final DnsBackend backend;
    private final DnsWarnings warnings;
    private final DnsJobResults results;
    private final EventCodec codec;

    RecordCreateHandler(DnsBackend backend, DnsWarnings warnings, DnsJobResults results, EventCodec codec) {
        this.backend = backend;
        this.warnings = warnings;
        this.results = results;
        this.codec = codec;
    }

    @Override
    public String jobType() {
        return JobTypes.DNS_RECORD_CREATE;
    }

    @Override
    public Outcome handle(CloudEvent command) {
        CreateDnsRecord create = codec.data(command, CreateDnsRecord.class);
        DnsBackend.Applied applied = backend.createRecord(create.zone(), create.record());
        return results.created(create.zone(), applied.record(), warnings.afterCreate(create.zone(), applied));
    }
}
