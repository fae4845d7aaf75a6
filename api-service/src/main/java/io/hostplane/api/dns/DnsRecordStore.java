package io.hostplane.api.dns;

import io.hostplane.api.system.ShortLivedCache;
import io.hostplane.common.dns.DnsRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The applied records of each zone ({@code api.dns_records}), as folded from succeeded jobs. Keeps each zone's
 * CNAMEs in memory for {@code hostplane.dns.records.cname-cache-ttl}, for the CNAME rule at acceptance
 * ({@link #atNames}); a fold on this replica that changes a zone's CNAMEs forgets them at once.
 */
@Repository
class DnsRecordStore {

    private final DatabaseClient db;
    private final ShortLivedCache<String, List<DnsRecord>> cnames;

    DnsRecordStore(DatabaseClient db, DnsProperties properties) {
        this.db = db;
        this.cnames = new ShortLivedCache<>(properties.cnameCacheTtl(), 100_000);
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

    /**
     * One applied change to a record: the record as it now is, or null when it was deleted; {@code version} is
     * the position of its job's command in the zone's ordered stream.
     */
    record Applied(String tenant, String zone, UUID id, DnsRecord record, long version) {}

    /**
     * Applies changes to the record view in one statement: each record takes the newest change (highest version)
     * unless a newer one was applied already, so that outcomes folded out of order end as the backend did; a
     * deleted record stays as a tombstone (with its last content) so that an older change folded late cannot
     * bring it back.
     */
    Mono<Void> applyAll(List<Applied> changes) {
        Map<UUID, Applied> newest = new LinkedHashMap<>();
        for (Applied change : changes) {
            newest.merge(change.id(), change, (a, b) -> a.version() >= b.version() ? a : b);
        }
        if (newest.isEmpty()) {
            return Mono.empty();
        }
        List<Applied> rows = List.copyOf(newest.values());
        return db.sql("insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content, priority, version, "
                        + "deleted) select * from unnest(cast(:ids as uuid[]), cast(:tenants as text[]), "
                        + "cast(:zones as text[]), cast(:names as text[]), cast(:types as text[]), "
                        + "cast(:ttls as int[]), cast(:contents as text[]), cast(:priorities as int[]), "
                        + "cast(:versions as bigint[]), cast(:deleted as boolean[])) "
                        + "on conflict (id) do update set "
                        + "name = case when excluded.deleted then api.dns_records.name else excluded.name end, "
                        + "type = case when excluded.deleted then api.dns_records.type else excluded.type end, "
                        + "ttl = case when excluded.deleted then api.dns_records.ttl else excluded.ttl end, "
                        + "content = case when excluded.deleted then api.dns_records.content else excluded.content end, "
                        + "priority = case when excluded.deleted then api.dns_records.priority else excluded.priority end, "
                        + "version = excluded.version, deleted = excluded.deleted, updated_at = now() "
                        + "where api.dns_records.version < excluded.version")
                .bind("ids", rows.stream().map(Applied::id).toArray(UUID[]::new))
                .bind("tenants", rows.stream().map(Applied::tenant).toArray(String[]::new))
                .bind("zones", rows.stream().map(Applied::zone).toArray(String[]::new))
                .bind("names", column(rows, DnsRecord::name, ""))
                .bind("types", column(rows, DnsRecord::type, ""))
                .bind(
                        "ttls",
                        rows.stream()
                                .map(r -> r.record() == null ? 0 : r.record().ttl())
                                .toArray(Integer[]::new))
                .bind("contents", column(rows, DnsRecord::content, ""))
                .bind(
                        "priorities",
                        rows.stream()
                                .map(r -> r.record() == null ? null : r.record().priority())
                                .toArray(Integer[]::new))
                .bind("versions", rows.stream().map(Applied::version).toArray(Long[]::new))
                .bind("deleted", rows.stream().map(r -> r.record() == null).toArray(Boolean[]::new))
                .then()
                .doFinally(signal -> rows.forEach(this::forgetCnamesIfChanged));
    }

    /**
     * Forgets a zone's CNAMEs when an applied change may have changed them: a CNAME written, or a record deleted
     * that was one of them (or whose type is not known here). Other changes leave them as they were, so the cache
     * still answers the next acceptance.
     */
    private void forgetCnamesIfChanged(Applied change) {
        List<DnsRecord> known = cnames.getIfPresent(change.zone());
        if (known == null) {
            return;
        }
        boolean cnameWritten = change.record() != null && change.record().type().equals("CNAME");
        boolean cnameGone =
                known.stream().anyMatch(r -> r.id().equals(change.id().toString()));
        if (cnameWritten || cnameGone) {
            cnames.invalidate(change.zone());
        }
    }

    private static String[] column(
            List<Applied> rows, java.util.function.Function<DnsRecord, String> field, String none) {
        return rows.stream()
                .map(r -> r.record() == null ? none : field.apply(r.record()))
                .toArray(String[]::new);
    }

    /**
     * What the CNAME rule needs to know of the applied records at the names a change writes to: every record at
     * {@code fullNames} (where the change writes a CNAME, which must be alone), read now; and the zone's CNAMEs at
     * {@code cnameNames} (where it writes other records, which only a CNAME forbids), from memory when this replica
     * read them within the cache's time to live.
     */
    Flux<DnsRecord> atNames(String zone, List<String> fullNames, List<String> cnameNames) {
        Flux<DnsRecord> full = fullNames.isEmpty()
                ? Flux.empty()
                : db.sql("select id, name, type, ttl, content, priority from api.dns_records "
                                + "where zone = :zone and name = any(:names) and not deleted")
                        .bind("zone", zone)
                        .bind("names", fullNames.toArray(String[]::new))
                        .map((row, meta) -> record(row))
                        .all();
        Flux<DnsRecord> cnamesAt = cnameNames.isEmpty()
                ? Flux.empty()
                : cnamesOf(zone)
                        .flatMapIterable(all -> all.stream()
                                .filter(r -> cnameNames.contains(r.name()) && !fullNames.contains(r.name()))
                                .toList());
        return full.concatWith(cnamesAt);
    }

    private Mono<List<DnsRecord>> cnamesOf(String zone) {
        return cnames.get(
                zone,
                z -> db.sql("select id, name, type, ttl, content, priority from api.dns_records "
                                + "where zone = :zone and type = 'CNAME' and not deleted")
                        .bind("zone", z)
                        .map((row, meta) -> record(row))
                        .all()
                        .collectList());
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
