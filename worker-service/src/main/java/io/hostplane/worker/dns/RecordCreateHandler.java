package io.hostplane.worker.dns;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.system.CommandHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code dns.record.create}: adds one record; an identical record already there is the result, with
 * {@code RECORD_EXISTS}; otherwise the zone's warnings about the new record ({@link DnsWarnings}).
 */
@Component
class RecordCreateHandler implements CommandHandler {

    private final DnsBackend backend;
    private final DnsWarnings warnings;
    private final EventCodec codec;

    RecordCreateHandler(DnsBackend backend, DnsWarnings warnings, EventCodec codec) {
        this.backend = backend;
        this.warnings = warnings;
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
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("zone", create.zone());
        result.put("record", applied.record());
        List<Warning> all = new ArrayList<>(applied.warnings());
        if (all.isEmpty()) {
            all.addAll(warnings.about(create.zone(), List.of(applied.record())));
        }
        return new Outcome(codec.tree(result), all);
    }
}
