package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.system.JobFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Zones kept in PostgreSQL ({@code worker.local_zones}, {@code worker.local_records}). */
@Component
@ConditionalOnProperty(name = "hostplane.dns.backend", havingValue = "local", matchIfMissing = true)
class LocalDnsBackend implements DnsBackend {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    LocalDnsBackend(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @Override
    public void createZone(String tenant, String zone) {
        jdbc.update(
                "insert into worker.local_zones (zone, tenant_id) values (?, ?) on conflict (zone) do nothing",
                zone,
                tenant);
    }

    @Override
    public Applied createRecord(String zone, DnsRecord record) {
        return tx.execute(status -> {
            List<String> zones = jdbc.queryForList(
                    "select zone from worker.local_zones where zone = ? for update", String.class, zone);
            if (zones.isEmpty()) {
                throw new JobFailure(ErrorCodes.ZONE_NOT_FOUND, "Zone " + zone + " does not exist on the DNS backend.");
            }
            List<DnsRecord> same = jdbc.query(
                    "select id, name, type, ttl, content, priority from worker.local_records "
                            + "where zone = ? and name = ? and type = ? and content = ? and id <> ?",
                    (rs, n) -> new DnsRecord(
                            rs.getString("id"),
                            rs.getString("name"),
                            rs.getString("type"),
                            rs.getInt("ttl"),
                            rs.getString("content"),
                            (Integer) rs.getObject("priority")),
                    zone,
                    record.name(),
                    record.type(),
                    record.content(),
                    UUID.fromString(record.id()));
            if (!same.isEmpty()) {
                return new Applied(
                        same.get(0),
                        List.of(new Warning(
                                "DNS",
                                "RECORD_EXISTS",
                                "An identical " + record.type() + " record for " + record.name()
                                        + " already exists; nothing was changed.")));
            }
            jdbc.update(
                    "insert into worker.local_records (id, zone, name, type, ttl, content, priority) values (?, ?, ?, ?, ?, ?, ?) "
                            + "on conflict (id) do nothing",
                    UUID.fromString(record.id()),
                    zone,
                    record.name(),
                    record.type(),
                    record.ttl(),
                    record.content(),
                    record.priority());
            jdbc.update("update worker.local_zones set serial = serial + 1 where zone = ?", zone);
            return new Applied(record, List.of());
        });
    }

    @Override
    public List<ApplyDnsChanges.Change> applyBatch(String zone, List<ApplyDnsChanges.Change> changes) {
        return tx.execute(status -> {
            List<String> zones = jdbc.queryForList(
                    "select zone from worker.local_zones where zone = ? for update", String.class, zone);
            if (zones.isEmpty()) {
                throw new JobFailure(ErrorCodes.ZONE_NOT_FOUND, "Zone " + zone + " does not exist on the DNS backend.");
            }
            List<ApplyDnsChanges.Change> applied = new ArrayList<>();
            for (int i = 0; i < changes.size(); i++) {
                ApplyDnsChanges.Change change = changes.get(i);
                switch (change.op()) {
                    case "create" -> {
                        DnsRecord r = change.record();
                        jdbc.update(
                                "insert into worker.local_records (id, zone, name, type, ttl, content, priority) "
                                        + "values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing",
                                UUID.fromString(r.id()),
                                zone,
                                r.name(),
                                r.type(),
                                r.ttl(),
                                r.content(),
                                r.priority());
                    }
                    case "replace" -> {
                        DnsRecord r = change.record();
                        int n = jdbc.update(
                                "update worker.local_records set name = ?, type = ?, ttl = ?, content = ?, "
                                        + "priority = ? where id = ? and zone = ?",
                                r.name(),
                                r.type(),
                                r.ttl(),
                                r.content(),
                                r.priority(),
                                UUID.fromString(change.id()),
                                zone);
                        if (n == 0) {
                            // Rolls the whole batch back.
                            throw new JobFailure(
                                    "RECORD_NOT_FOUND",
                                    "changes[" + i + "]: record " + change.id()
                                            + " does not exist; nothing was changed.");
                        }
                    }
                    case "delete" ->
                        jdbc.update(
                                "delete from worker.local_records where id = ? and zone = ?",
                                UUID.fromString(change.id()),
                                zone);
                    default ->
                        throw new JobFailure("INVALID_CHANGE", "changes[" + i + "]: unknown op " + change.op() + ".");
                }
                applied.add(change);
            }
            jdbc.update("update worker.local_zones set serial = serial + 1 where zone = ?", zone);
            return applied;
        });
    }
}
