package io.hostplane.worker.dns;

import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.worker.system.CommandHandler;
import java.util.List;

/**
 * The job types that carry {@link ApplyDnsChanges} (a batch, a replace, a delete): applied all or nothing
 * by the backend, the applied changes as the result, the zone's warnings about the records written.
 */
abstract class DnsChangesHandler implements CommandHandler {

    private final DnsBackend backend;
    private final DnsWarnings warnings;
    private final DnsJobResults results;
    private final EventCodec codec;

    DnsChangesHandler(DnsBackend backend, DnsWarnings warnings, DnsJobResults results, EventCodec codec) {
        this.backend = backend;
        this.warnings = warnings;
        this.results = results;
        this.codec = codec;
    }

    @Override
    public Outcome handle(CloudEvent command) {
        ApplyDnsChanges apply = codec.data(command, ApplyDnsChanges.class);
        List<ApplyDnsChanges.Change> applied = backend.applyBatch(apply.zone(), apply.changes());
        return results.changed(apply.zone(), applied, warnings.afterChanges(apply.zone(), applied));
    }
}
