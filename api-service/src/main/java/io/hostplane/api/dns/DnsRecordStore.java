package io.hostplane.api.dns;

import io.hostplane.common.dns.DnsRecord;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The applied records of each zone ({@code api.dns_records}), as folded from succeeded jobs. */
@Repository
class DnsRecordStore {

    private final DatabaseClient db;

    DnsRecordStore(DatabaseClient db) {
        this.db = db;
    }

    Flux<DnsRecord> list(String zone, List<String> types, String name, UUID after, int limit) {
        String sql =
                "select id, name, type, ttl, content, priority from api.dns_records where zone = :zone and not deleted"
                        + (types.isEmpty() ? "" : " and type = any(:types)")
                        + (name == null ? "" : " and name = :name")
                        + (after == null ? "" : " and id > :after")
                        + " order by id limit :limit";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("zone", zone).bind("limit", limit);
        if (!types.isEmpty()) {
            spec = spec.bind("types", types.toArray(String[]::new));
        }
        if (name != null) {
            spec = spec.bind("name", name);
        }
        if (after != null) {
            spec = spec.bind("after", after);
        }
        return spec.map((row, meta) -> record(row)).all();
    }

    /** Applies a created or replaced record unless a newer change to it (higher version) was applied already. */
    Mono<Void> upsert(String tenant, String zone, DnsRecord record, long version) {
        DatabaseClient.GenericExecuteSpec spec = db.sql(
                        "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content, priority, version) "
                                + "values (:id, :tenant, :zone, :name, :type, :ttl, :content, :priority, :version) "
                                + "on conflict (id) do update set name = excluded.name, type = excluded.type, "
                                + "ttl = excluded.ttl, content = excluded.content, priority = excluded.priority, "
                                + "version = excluded.version, deleted = false, updated_at = now() "
                                + "where api.dns_records.version < excluded.version")
                .bind("id", UUID.fromString(record.id()))
                .bind("tenant", tenant)
                .bind("zone", zone)
                .bind("name", record.name())
                .bind("type", record.type())
                .bind("ttl", record.ttl())
                .bind("content", record.content())
                .bind("version", version);
        spec = record.priority() == null
                ? spec.bindNull("priority", Integer.class)
                : spec.bind("priority", record.priority());
        return spec.then();
    }

    /** Marks a record deleted (a tombstone, so that an older change folded late cannot revive it). */
    Mono<Void> delete(String tenant, String zone, UUID id, long version) {
        return db.sql("insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content, version, deleted) "
                        + "values (:id, :tenant, :zone, '', '', 0, '', :version, true) "
                        + "on conflict (id) do update set deleted = true, version = excluded.version, updated_at = now() "
                        + "where api.dns_records.version < excluded.version")
                .bind("id", id)
                .bind("tenant", tenant)
                .bind("zone", zone)
                .bind("version", version)
                .then();
    }

    /** The applied records at any of {@code names}. */
    Flux<DnsRecord> atNames(String zone, List<String> names) {
        return db.sql("select id, name, type, ttl, content, priority from api.dns_records "
                        + "where zone = :zone and name = any(:names) and not deleted")
                .bind("zone", zone)
                .bind("names", names.toArray(String[]::new))
                .map((row, meta) -> record(row))
                .all();
    }

    Mono<DnsRecord> find(String zone, UUID id) {
        return db.sql(
                        "select id, name, type, ttl, content, priority from api.dns_records where zone = :zone and id = :id and not deleted")
                .bind("zone", zone)
                .bind("id", id)
                .map((row, meta) -> record(row))
                .one();
    }

    /** Which of {@code ids} are records of {@code zone}. */
    Mono<java.util.Set<UUID>> existing(String zone, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Mono.just(java.util.Set.of());
        }
        return db.sql("select id from api.dns_records where zone = :zone and id = any(:ids) and not deleted")
                .bind("zone", zone)
                .bind("ids", ids.toArray(UUID[]::new))
                .map((row, meta) -> row.get("id", UUID.class))
                .all()
                .collect(java.util.stream.Collectors.toSet());
    }

    private static DnsRecord record(io.r2dbc.spi.Readable row) {
        return new DnsRecord(
                row.get("id", UUID.class).toString(),
                row.get("name", String.class),
                row.get("type", String.class),
                row.get("ttl", Integer.class),
                row.get("content", String.class),
                row.get("priority", Integer.class));
    }
}
