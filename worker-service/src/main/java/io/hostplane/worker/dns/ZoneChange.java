package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.system.JobFailure;
import java.util.List;

/**
 * What one job asks of a zone: one record created ({@code dns.record.create}, with its {@code RECORD_EXISTS}
 * rule), or changes applied all or nothing (the other DNS change jobs).
 */
record ZoneChange(DnsRecord create, List<ApplyDnsChanges.Change> changes) {

    static ZoneChange create(DnsRecord record) {
        return new ZoneChange(record, null);
    }

    static ZoneChange apply(List<ApplyDnsChanges.Change> changes) {
        return new ZoneChange(null, changes);
    }

    /** How many records it writes or removes (a create counts one). */
    int size() {
        return create != null ? 1 : changes == null ? 0 : changes.size();
    }

    /**
     * One job's part of a group: the record created (the existing one, for an identical record), or the changes
     * applied; with the warnings the job would have had alone. Or the job's own failure, with nothing of it kept.
     */
    record Result(
            DnsBackend.Applied created,
            List<ApplyDnsChanges.Change> applied,
            List<Warning> warnings,
            JobFailure failure) {}
}
