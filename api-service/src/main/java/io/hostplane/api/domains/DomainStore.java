package io.hostplane.api.domains;

import io.hostplane.api.system.ShortLivedCache;
import io.r2dbc.spi.Readable;
import java.time.OffsetDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Domains in {@code api.domains}: one owner per name across all tenants. Keeps what it read for
 * {@code hostplane.domains.cache-ttl} for {@link #findRecent}, and forgets a name as soon as this replica changes
 * it.
 */
@Repository
public class DomainStore {

    private final DatabaseClient db;
    private final ShortLivedCache<String, DomainView> recent;

    DomainStore(DatabaseClient db, DomainProperties properties) {
        this.db = db;
        this.recent = new ShortLivedCache<>(properties.cacheTtl(), 100_000);
    }

    /**
     * The domains of the tenant's websites that answer to {@code name} or to a name under it (read from websites'
     * view). Another tenant's websites on its own domains under {@code name} are not this tenant's to see.
     */
    Flux<String> websitesUsing(String tenant, String name) {
        return db.sql("select distinct domain from api.website_uses where tenant_id = :tenant "
                        + "and (name = :name or name like '%.' || :name) order by domain")
                .bind("tenant", tenant)
                .bind("name", name)
                .map((row, meta) -> row.get("domain", String.class))
                .all();
    }

    public Mono<DomainView> find(String name) {
        return read(name).doOnNext(found -> recent.put(found.name(), found));
    }

    private Mono<DomainView> read(String name) {
        return db.sql("select name, tenant_id, status, created_at from api.domains where name = :name")
                .bind("name", name)
                .map((row, meta) -> view(row))
                .one();
    }

    /** The domain as this replica last read it within the cache's time to live, else as it is now. */
    Mono<DomainView> findRecent(String name) {
        return recent.get(name, this::read);
    }

    Flux<DomainView> list(String tenant, String after, int limit) {
        String sql = "select name, tenant_id, status, created_at from api.domains where true"
                + (tenant == null ? "" : " and tenant_id = :tenant")
                + (after == null ? "" : " and name > :after")
                + " order by name limit :limit";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("limit", limit);
        if (tenant != null) {
            spec = spec.bind("tenant", tenant);
        }
        if (after != null) {
            spec = spec.bind("after", after);
        }
        return spec.map((row, meta) -> view(row)).all();
    }

    /** Inserts a pending domain; returns false if the name is taken (by anyone). */
    Mono<Boolean> insertPending(String name, String tenant) {
        return db.sql("insert into api.domains (name, tenant_id, status) values (:name, :tenant, 'pending') "
                        + "on conflict (name) do nothing")
                .bind("name", name)
                .bind("tenant", tenant)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0)
                .doFinally(signal -> recent.invalidate(name));
    }

    /** Marks an active (or already deleting) domain as being deleted; false if it is not there to delete. */
    Mono<Boolean> markDeleting(String name) {
        return db.sql("update api.domains set status = 'deleting' where name = :name "
                        + "and status in ('active', 'deleting')")
                .bind("name", name)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0)
                .doFinally(signal -> recent.invalidate(name));
    }

    /** Removes the domain and, by cascade, its applied records; its name is free again. */
    Mono<Void> delete(String name) {
        return db.sql("delete from api.domains where name = :name")
                .bind("name", name)
                .then()
                .doFinally(signal -> recent.invalidate(name));
    }

    Mono<Void> activate(String name) {
        return db.sql("update api.domains set status = 'active' where name = :name")
                .bind("name", name)
                .then()
                .doFinally(signal -> recent.invalidate(name));
    }

    private static DomainView view(Readable row) {
        return new DomainView(
                row.get("name", String.class),
                row.get("tenant_id", String.class),
                row.get("status", String.class),
                row.get("created_at", OffsetDateTime.class).toInstant());
    }
}
