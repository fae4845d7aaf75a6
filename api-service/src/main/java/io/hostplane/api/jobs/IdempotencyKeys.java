package io.hostplane.api.jobs;

import java.time.Duration;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Idempotency keys in {@code api.idempotency_keys}. */
@Repository
class IdempotencyKeys {

    /** How long a key is remembered. */
    static final Duration RETENTION = Duration.ofHours(24);

    /** A claimed key whose request left no job after this long was abandoned (its answer never came). */
    static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);

    record Claim(byte[] requestHash, UUID jobId, boolean abandoned) {}

    private final DatabaseClient db;

    IdempotencyKeys(DatabaseClient db) {
        this.db = db;
    }

    /** Claims the key for this request; false if a live claim exists already. */
    Mono<Boolean> claim(String tenant, String key, byte[] hash) {
        return db.sql("insert into api.idempotency_keys (tenant_id, idem_key, request_hash) values (:t, :k, :h) "
                        + "on conflict (tenant_id, idem_key) do update set request_hash = excluded.request_hash, "
                        + "job_id = null, created_at = now() "
                        + "where api.idempotency_keys.created_at < now() - make_interval(secs => :retention)")
                .bind("t", tenant)
                .bind("k", key)
                .bind("h", hash)
                .bind("retention", (double) RETENTION.toSeconds())
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    Mono<Claim> find(String tenant, String key) {
        return db.sql(
                        "select request_hash, job_id, created_at < now() - make_interval(secs => :abandoned) as abandoned "
                                + "from api.idempotency_keys where tenant_id = :t and idem_key = :k")
                .bind("t", tenant)
                .bind("k", key)
                .bind("abandoned", (double) ABANDONED_AFTER.toSeconds())
                .map((row, meta) -> new Claim(
                        row.get("request_hash", byte[].class),
                        row.get("job_id", UUID.class),
                        Boolean.TRUE.equals(row.get("abandoned", Boolean.class))))
                .one();
    }

    /** Takes over an abandoned claim; false if someone else did first. */
    Mono<Boolean> takeOver(String tenant, String key, byte[] hash) {
        return db.sql("update api.idempotency_keys set created_at = now() where tenant_id = :t and idem_key = :k "
                        + "and job_id is null and request_hash = :h "
                        + "and created_at < now() - make_interval(secs => :abandoned)")
                .bind("t", tenant)
                .bind("k", key)
                .bind("h", hash)
                .bind("abandoned", (double) ABANDONED_AFTER.toSeconds())
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** Releases a claim whose request was refused, so that a corrected request may use the key. */
    Mono<Void> release(String tenant, String key) {
        return db.sql("delete from api.idempotency_keys where tenant_id = :t and idem_key = :k and job_id is null")
                .bind("t", tenant)
                .bind("k", key)
                .then();
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void purge() {
        db.sql("delete from api.idempotency_keys where created_at < now() - make_interval(secs => :retention)")
                .bind("retention", (double) RETENTION.toSeconds())
                .then()
                .onErrorResume(e -> Mono.empty())
                .block(Duration.ofSeconds(60));
    }
}
