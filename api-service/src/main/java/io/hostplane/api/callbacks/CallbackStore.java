package io.hostplane.api.callbacks;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Callback deliveries in {@code api.job_callbacks} and their attempts in {@code api.job_callback_attempts}. */
@Repository
public class CallbackStore {

    private final DatabaseClient db;

    CallbackStore(DatabaseClient db) {
        this.db = db;
    }

    /** A delivery due now, claimed by this replica until its lease ends. */
    record Due(UUID jobId, String tenant, String url, int attempts) {}

    /** A delivery as {@code GET /jobs/{id}/deliveries} shows it. */
    public record Delivery(
            String url, String state, int attempts, Instant nextAttemptAt, Instant createdAt, Instant finishedAt) {}

    public record Attempt(int attempt, Instant at, Integer statusCode, String error, int durationMs) {}

    /**
     * Queues the callbacks of those of {@code jobIds} that have a URL and have reached a terminal state, in one
     * statement; run in the transaction that made them terminal, so a terminal job with a URL always has its
     * delivery.
     */
    public Mono<Void> enqueueIfTerminal(List<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("insert into api.job_callbacks (job_id, tenant_id, url) select id, tenant_id, callback_url "
                        + "from api.job_states where id = any(:ids) and callback_url is not null "
                        + "and status in ('succeeded', 'failed', 'cancelled') on conflict (job_id) do nothing")
                .bind("ids", jobIds.toArray(UUID[]::new))
                .then();
    }

    /** Claims up to {@code limit} due deliveries for {@code lease}; replicas never claim the same one. */
    Flux<Due> claimDue(int limit, Duration lease) {
        return db.sql("update api.job_callbacks c set lease_until = now() + make_interval(secs => :lease) "
                        + "where job_id in (select job_id from api.job_callbacks where state = 'pending' "
                        + "and next_attempt_at <= now() and (lease_until is null or lease_until < now()) "
                        + "order by next_attempt_at limit :limit for update skip locked) "
                        + "returning c.job_id, c.tenant_id, c.url, c.attempts")
                .bind("lease", (double) lease.toMillis() / 1000)
                .bind("limit", limit)
                .map((row, meta) -> new Due(
                        row.get("job_id", UUID.class),
                        row.get("tenant_id", String.class),
                        row.get("url", String.class),
                        row.get("attempts", Integer.class)))
                .all();
    }

    /**
     * Records one attempt and its consequence: {@code delivered}, {@code failed} (no attempts left or a
     * refused URL), or pending again at {@code nextAttemptAt}.
     */
    Mono<Void> recordAttempt(
            UUID jobId,
            int attempt,
            Integer statusCode,
            String error,
            int durationMs,
            String state,
            Instant nextAttemptAt) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("insert into api.job_callback_attempts "
                        + "(job_id, attempt, status_code, error, duration_ms) values (:id, :attempt, :code, :error, :ms) "
                        + "on conflict do nothing")
                .bind("id", jobId)
                .bind("attempt", attempt)
                .bind("ms", durationMs);
        insert = statusCode == null ? insert.bindNull("code", Integer.class) : insert.bind("code", statusCode);
        insert = error == null ? insert.bindNull("error", String.class) : insert.bind("error", error);
        return insert.then()
                .then(db.sql("update api.job_callbacks set attempts = :attempt, state = :state, lease_until = null, "
                                + "next_attempt_at = :next, finished_at = case when :state = 'pending' then null else now() end "
                                + "where job_id = :id")
                        .bind("id", jobId)
                        .bind("attempt", attempt)
                        .bind("state", state)
                        .bind("next", nextAttemptAt.atOffset(ZoneOffset.UTC))
                        .then());
    }

    /** The callback URL a job names (its own or its token's default), or empty. */
    public Mono<String> urlOf(UUID jobId) {
        return db.sql("select callback_url from api.job_states where id = :id and callback_url is not null")
                .bind("id", jobId)
                .map((row, meta) -> row.get("callback_url", String.class))
                .one();
    }

    public Mono<Delivery> delivery(UUID jobId) {
        return db.sql("select url, state, attempts, next_attempt_at, created_at, finished_at from api.job_callbacks "
                        + "where job_id = :id")
                .bind("id", jobId)
                .map((row, meta) -> new Delivery(
                        row.get("url", String.class),
                        row.get("state", String.class),
                        row.get("attempts", Integer.class),
                        instant(row.get("next_attempt_at", OffsetDateTime.class)),
                        instant(row.get("created_at", OffsetDateTime.class)),
                        instant(row.get("finished_at", OffsetDateTime.class))))
                .one();
    }

    public Flux<Attempt> attempts(UUID jobId) {
        return db.sql("select attempt, at, status_code, error, duration_ms from api.job_callback_attempts "
                        + "where job_id = :id order by attempt")
                .bind("id", jobId)
                .map((row, meta) -> new Attempt(
                        row.get("attempt", Integer.class),
                        instant(row.get("at", OffsetDateTime.class)),
                        row.get("status_code", Integer.class),
                        row.get("error", String.class),
                        row.get("duration_ms", Integer.class)))
                .all();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
