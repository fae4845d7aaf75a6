package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.worker.system.CommandHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job types that carry {@link ApplyDnsChanges} (a batch, a replace, a delete): applied all or nothing
 * by the backend, the applied changes as the result, the zone's warnings about the records written.
 */
abstract class DnsChangesHandler implements CommandHandler {

    private final DnsBackend backend;
    private final DnsWarnings warnings;
    private final EventCodec codec;

    DnsChangesHandler(DnsBackend backend, DnsWarnings warnings, EventCodec codec) {
        this.backend = backend;
        this.warnings = warnings;
        this.codec = codec;
    }

    @Override
    public Outcome handle(CloudEvent command) {
        ApplyDnsChanges apply = codec.data(command, ApplyDnsChanges.class);
        List<ApplyDnsChanges.Change> applied = backend.applyBatch(apply.zone(), apply.changes());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("zone", apply.zone());
        result.put("changes", applied);
        List<DnsRecord> written = applied.stream()
                .filter(c -> c.record() != null)
                .map(ApplyDnsChanges.Change::record)
                .toList();
        return new Outcome(codec.tree(result), warnings.about(apply.zone(), written));
    }
}
