package io.hostplane.api.websites;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Websites ({@code api.websites}) and the names they answer to ({@code api.website_names}, each name once across
 * all websites). A website's status is not stored: it follows the job of its last change ({@code api.job_states}).
 */
@Repository
class WebsiteStore {

    /** A website as stored, with its status as its last change's job gives it. */
    record Stored(
            UUID id,
            String tenant,
            String domain,
            List<String> aliases,
            String kind,
            String upstream,
            String upstreamAddress,
            String https,
            UUID deployment,
            UUID jobId,
            boolean deleting,
            String status,
            Instant createdAt,
            Instant updatedAt) {}

    private static final String SELECT = "select w.id, w.tenant_id, w.domain, w.aliases, w.kind, w.upstream, "
            + "w.upstream_address, w.https, w.deployment, w.job_id, w.deleting, w.created_at, w.updated_at, "
            + "j.status as job_status from api.websites w left join api.job_states j on j.id = w.job_id";

    private final DatabaseClient db;

    WebsiteStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<Stored> find(UUID id) {
        return db.sql(SELECT + " where w.id = :id")
                .bind("id", id)
                .map((row, meta) -> stored(row))
                .one();
    }

    /** Oldest first after {@code after}; only websites of {@code domains} when it is not empty. */
    Flux<Stored> list(String tenant, List<String> domains, UUID after, int limit) {
        String sql = SELECT + " where w.tenant_id = :tenant"
                + (domains.isEmpty() ? "" : " and w.domain = any(:domains)")
                + (after == null ? "" : " and w.id > :after")
                + " order by w.id limit :limit";
        DatabaseClient.GenericExecuteSpec spec =
                db.sql(sql).bind("tenant", tenant).bind("limit", limit);
        if (!domains.isEmpty()) {
            spec = spec.bind("domains", domains.toArray(String[]::new));
        }
        if (after != null) {
            spec = spec.bind("after", after);
        }
        return spec.map((row, meta) -> stored(row)).all();
    }

    /**
     * Those of {@code names} that the tenant owns: the most specific domain holding each (of any tenant, since a
     * name under one tenant's domain may lie in another tenant's subdomain) is one of its active domains.
     */
    Flux<String> owned(String tenant, List<String> names) {
        return db.sql("select n from unnest(cast(:names as text[])) n where (select d.tenant_id = :tenant and "
                        + "d.status = 'active' from api.domain_states d where n = d.name or n like '%.' || d.name "
                        + "order by length(d.name) desc limit 1)")
                .bind("names", names.toArray(String[]::new))
                .bind("tenant", tenant)
                .map((row, meta) -> row.get("n", String.class))
                .all();
    }

    /** Those of {@code names} with no A or AAAA record among the tenant's DNS records. */
    Flux<String> withoutAddress(String tenant, List<String> names) {
        return db.sql("select n from unnest(cast(:names as text[])) n where not exists (select 1 from "
                        + "api.address_names a where a.tenant_id = :tenant and a.name = n)")
                .bind("names", names.toArray(String[]::new))
                .bind("tenant", tenant)
                .map((row, meta) -> row.get("n", String.class))
                .all();
    }

    /** Whether {@code domain} has an installed certificate. */
    Mono<Boolean> hasCertificate(String domain) {
        return db.sql("select exists (select 1 from api.certificate_expiries where domain = :domain "
                        + "and status = 'installed') as has")
                .bind("domain", domain)
                .map((row, meta) -> Boolean.TRUE.equals(row.get("has", Boolean.class)))
                .one();
    }

    /** The names of {@code names} another website than {@code id} answers to. */
    Flux<String> takenByOthers(UUID id, List<String> names) {
        return db.sql("select name from api.website_names where name = any(:names) and website_id <> :id")
                .bind("names", names.toArray(String[]::new))
                .bind("id", id)
                .map((row, meta) -> row.get("name", String.class))
                .all();
    }

    /**
     * Inserts the website and claims its names, in the caller's transaction; false (and nothing kept, once the
     * caller fails) when its domain has a website already or another website answers to one of its names.
     */
    Mono<Boolean> insert(Stored w) {
        return nullable(
                        db.sql("insert into api.websites (id, tenant_id, domain, aliases, kind, upstream, "
                                + "upstream_address, https, job_id) values (:id, :tenant, :domain, :aliases, :kind, "
                                + ":upstream, :address, :https, :job) on conflict (domain) do nothing"),
                        w)
                .bind("id", w.id())
                .bind("tenant", w.tenant())
                .bind("domain", w.domain())
                .bind("aliases", w.aliases().toArray(String[]::new))
                .bind("kind", w.kind())
                .bind("https", w.https())
                .bind("job", w.jobId())
                .fetch()
                .rowsUpdated()
                .flatMap(inserted -> inserted == 1 ? claimNames(w.id(), names(w)) : Mono.just(false));
    }

    /**
     * Replaces what the website is (not its domain) and its names; false when another website has a name. A change
     * after a deletion was asked for keeps the website: its job comes after the deletion's.
     */
    Mono<Boolean> update(Stored w) {
        return nullable(
                        db.sql("update api.websites set aliases = :aliases, kind = :kind, upstream = :upstream, "
                                + "upstream_address = :address, https = :https, job_id = :job, deleting = false, updated_at = now() "
                                + "where id = :id"),
                        w)
                .bind("id", w.id())
                .bind("aliases", w.aliases().toArray(String[]::new))
                .bind("kind", w.kind())
                .bind("https", w.https())
                .bind("job", w.jobId())
                .then()
                .then(db.sql("delete from api.website_names where website_id = :id and not (name = any(:names))")
                        .bind("id", w.id())
                        .bind("names", names(w).toArray(String[]::new))
                        .then())
                .then(claimNames(w.id(), names(w)));
    }

    /** The website is being deleted by job {@code jobId}. */
    Mono<Void> markDeleting(UUID id, UUID jobId) {
        return db.sql("update api.websites set deleting = true, job_id = :job, updated_at = now() where id = :id")
                .bind("id", id)
                .bind("job", jobId)
                .then();
    }

    /** Deletes the website once its {@code website.delete} job succeeded (unless a later change took over). */
    Mono<Void> deleted(UUID id, UUID jobId) {
        return db.sql("delete from api.websites where id = :id and job_id = :job")
                .bind("id", id)
                .bind("job", jobId)
                .then();
    }

    private Mono<Boolean> claimNames(UUID id, List<String> names) {
        return db.sql("insert into api.website_names (name, website_id) select n, :id from unnest(cast(:names as "
                        + "text[])) n on conflict (name) do update set website_id = excluded.website_id "
                        + "where api.website_names.website_id = excluded.website_id")
                .bind("id", id)
                .bind("names", names.toArray(String[]::new))
                .fetch()
                .rowsUpdated()
                .map(claimed -> claimed == names.size());
    }

    private static DatabaseClient.GenericExecuteSpec nullable(DatabaseClient.GenericExecuteSpec spec, Stored w) {
        spec = w.upstream() == null ? spec.bindNull("upstream", String.class) : spec.bind("upstream", w.upstream());
        return w.upstreamAddress() == null
                ? spec.bindNull("address", String.class)
                : spec.bind("address", w.upstreamAddress());
    }

    private static List<String> names(Stored w) {
        List<String> names = new java.util.ArrayList<>();
        names.add(w.domain());
        names.addAll(w.aliases());
        return names;
    }

    private static Stored stored(Readable row) {
        String[] aliases = row.get("aliases", String[].class);
        boolean deleting = Boolean.TRUE.equals(row.get("deleting", Boolean.class));
        return new Stored(
                row.get("id", UUID.class),
                row.get("tenant_id", String.class),
                row.get("domain", String.class),
                aliases == null ? List.of() : Arrays.asList(aliases),
                row.get("kind", String.class),
                row.get("upstream", String.class),
                row.get("upstream_address", String.class),
                row.get("https", String.class),
                row.get("deployment", UUID.class),
                row.get("job_id", UUID.class),
                deleting,
                status(row.get("job_status", String.class), deleting),
                instant(row.get("created_at", OffsetDateTime.class)),
                instant(row.get("updated_at", OffsetDateTime.class)));
    }

    /**
     * {@code pending} while the last change's job is queued or running ({@code deleting} for a deletion), {@code
     * active} once it succeeded, {@code failed} when it failed or was cancelled (what was served before it still
     * is).
     */
    static String status(String jobStatus, boolean deleting) {
        if (jobStatus == null || jobStatus.equals("queued") || jobStatus.equals("running")) {
            return deleting ? "deleting" : "pending";
        }
        return jobStatus.equals("succeeded") ? "active" : "failed";
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
