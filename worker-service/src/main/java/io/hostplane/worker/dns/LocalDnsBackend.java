package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.ApplyDnsChanges;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Zones kept in PostgreSQL only ({@link DnsRecordStore}): nothing answers DNS queries for them. */
@Component
@ConditionalOnProperty(name = "hostplane.dns.backend", havingValue = "local", matchIfMissing = true)
class LocalDnsBackend implements DnsBackend {

    private final DnsRecordStore store;

    LocalDnsBackend(DnsRecordStore store) {
        this.store = store;
    }

    @Override
    public void createZone(String tenant, String zone) {
        store.addZone(tenant, zone);
    }

    @Override
    public void deleteZone(String zone) {
        store.deleteZone(zone);
    }

    @Override
    public Applied createRecord(String zone, DnsRecord record) {
        return store.createRecord(zone, record, DnsRecordStore.Publisher.NONE);
    }

    @Override
    public List<ApplyDnsChanges.Change> applyBatch(String zone, List<ApplyDnsChanges.Change> changes) {
        return store.applyBatch(zone, changes, DnsRecordStore.Publisher.NONE);
    }

    /** A zone's consecutive jobs in one transaction (each in a savepoint of its own): one commit for the group. */
    @Override
    public List<ZoneChange.Result> applyTogether(String zone, List<ZoneChange> jobs) {
        return store.applyTogether(zone, jobs, DnsRecordStore.Publisher.NONE);
    }
}
