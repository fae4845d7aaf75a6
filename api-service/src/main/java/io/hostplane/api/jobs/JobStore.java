package io.hostplane.api.jobs;

import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.Warning;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Job rows in {@code api.jobs} and their outbox entries in {@code api.outbox}. */
@Repository
class JobStore {

    static final String COLUMNS =
            "id, type, status, tenant_id, resource, created_at, started_at, finished_at, attempts, warnings, error, result, progress";

    private final DatabaseClient db;
    private final JsonMapper json;

    JobStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    Mono<JobView> find(UUID id) {
        return db.sql("select " + COLUMNS + " from api.jobs where id = :id")
                .bind("id", id)
                .map((row, meta) -> view(row))
                .one();
    }

    /** Many jobs in one statement (those that exist), whatever their tenant: {@link #list} by ids alone. */
    Flux<JobView> findAll(UUID[] ids) {
        return list(new Filter(null, List.of(ids), List.of(), List.of(), null, null, null, null), ids.length);
    }

    /** What {@code GET /jobs} may filter by; empty lists and nulls mean "any". */
    record Filter(
            String tenant,
            List<UUID> ids,
            List<String> statuses,
            List<String> types,
            String resourcePrefix,
            Instant createdAfter,
            Instant createdBefore,
            UUID before) {}

    /** Newest first; {@code before} is the last id of the previous page (ids are UUIDv7, time-ordered). */
    Flux<JobView> list(Filter filter, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from api.jobs where true");
        Map<String, Object> binds = new LinkedHashMap<>();
        if (filter.tenant() != null) {
            sql.append(" and tenant_id = :tenant");
            binds.put("tenant", filter.tenant());
        }
        if (!filter.ids().isEmpty()) {
            sql.append(" and id = any(:ids)");
            binds.put("ids", filter.ids().toArray(UUID[]::new));
        }
        if (!filter.statuses().isEmpty()) {
            sql.append(" and status = any(:statuses)");
            binds.put("statuses", filter.statuses().toArray(String[]::new));
        }
        if (!filter.types().isEmpty()) {
            sql.append(" and type = any(:types)");
            binds.put("types", filter.types().toArray(String[]::new));
        }
        if (filter.resourcePrefix() != null) {
            sql.append(" and starts_with(resource, :resource)");
            binds.put("resource", filter.resourcePrefix());
        }
        if (filter.createdAfter() != null) {
            sql.append(" and created_at >= :after");
            binds.put("after", filter.createdAfter().atOffset(java.time.ZoneOffset.UTC));
        }
        if (filter.createdBefore() != null) {
            sql.append(" and created_at < :createdBefore");
            binds.put("createdBefore", filter.createdBefore().atOffset(java.time.ZoneOffset.UTC));
        }
        if (filter.before() != null) {
            sql.append(" and id < :before");
            binds.put("before", filter.before());
        }
        sql.append(" order by id desc limit :limit");
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString()).bind("limit", limit);
        for (Map.Entry<String, Object> bind : binds.entrySet()) {
            spec = spec.bind(bind.getKey(), bind.getValue());
        }
        return spec.map((row, meta) -> view(row)).all();
    }

    /** One job's move in a set-based fold; JSON columns as text, times as ISO-8601 text. */
    record Transition(
            UUID id,
            JobStatus status,
            int attempts,
            String warnings,
            String error,
            String result,
            Instant at,
            Instant startedAt,
            Integer progress) {}

    /**
     * Moves many jobs in one statement (at most one transition per job); emits the ids of the jobs it moved.
     * A job moves only forward ({@code queued → running → terminal}) and never out of a terminal state, so a
     * redelivered or late event changes nothing.
     */
    /**
     * A job that a transition moved, with its type and acceptance time (for the job meters) and whether it has a
     * callback URL (only then is a delivery queued for it).
     */
    record Moved(UUID id, String type, Instant createdAt, boolean callback) {}

    private static String micros(Instant time) {
        return time.truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString();
    }

    Flux<Moved> transitionAll(List<Transition> moves) {
        if (moves.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("update api.jobs j set status = u.status, attempts = greatest(j.attempts, u.attempts), "
                        + "started_at = coalesce(j.started_at, cast(u.started as timestamptz)), "
                        + "finished_at = case when u.status in ('succeeded', 'failed', 'cancelled') "
                        + "then cast(u.at as timestamptz) else j.finished_at end, "
                        + "warnings = cast(u.warnings as jsonb), error = cast(u.error as jsonb), "
                        + "result = cast(u.result as jsonb), "
                        + "progress = case when u.status = 'succeeded' then 100 "
                        + "else coalesce(u.progress, j.progress) end, updated_at = now() "
                        + "from unnest(cast(:ids as uuid[]), cast(:statuses as text[]), cast(:attempts as int[]), "
                        + "cast(:warnings as text[]), cast(:errors as text[]), cast(:results as text[]), "
                        + "cast(:ats as text[]), cast(:starts as text[]), cast(:progress as int[])) "
                        + "as u(id, status, attempts, warnings, error, result, at, started, progress) "
                        // j.id = any(…) repeats the join so that the planner reads the jobs by primary key
                        // instead of scanning them (it cannot estimate how few rows unnest gives).
                        + "where j.id = u.id and j.id = any(cast(:ids as uuid[])) and " + RANK.replace("$", "j")
                        + " < 2 "
                        // Forward only; a running job also moves on when more of it is done.
                        + "and (" + RANK.replace("$", "u") + " > " + RANK.replace("$", "j")
                        + " or (u.status = 'running' and j.status = 'running' "
                        + "and u.progress > coalesce(j.progress, -1)))"
                        + " returning j.id, j.type, j.created_at, j.callback_url is not null as callback")
                .bind("ids", moves.stream().map(Transition::id).toArray(UUID[]::new))
                .bind("statuses", moves.stream().map(m -> m.status().wireName()).toArray(String[]::new))
                .bind("attempts", moves.stream().map(Transition::attempts).toArray(Integer[]::new))
                .bind("warnings", moves.stream().map(Transition::warnings).toArray(String[]::new))
                .bind("errors", moves.stream().map(Transition::error).toArray(String[]::new))
                .bind("results", moves.stream().map(Transition::result).toArray(String[]::new))
                // timestamptz keeps microseconds and rounds what is finer: truncate, so a time is stored as the
                // event says, never a microsecond (or a millisecond) later.
                .bind("ats", moves.stream().map(m -> micros(m.at())).toArray(String[]::new))
                .bind("starts", moves.stream().map(m -> micros(m.startedAt())).toArray(String[]::new))
                .bind("progress", moves.stream().map(Transition::progress).toArray(Integer[]::new))
                .map((row, meta) -> new Moved(
                        row.get("id", UUID.class),
                        row.get("type", String.class),
                        instant(row.get("created_at", OffsetDateTime.class)),
                        Boolean.TRUE.equals(row.get("callback", Boolean.class))))
                .all();
    }

    /** A state's place in {@code queued → running → terminal}, in SQL, for the row alias {@code $}. */
    private static final String RANK = "(case $.status when 'queued' then 0 when 'running' then 1 else 2 end)";

    /** JSON text of a job column, or null. */
    /**
     * Claims the job for its cancellation in {@code control.job_claims}, which the worker claims too before it
     * starts a job: false when the worker was first (the job is running or has run).
     */
    Mono<Boolean> claimForCancel(UUID id) {
        return db.sql("insert into control.job_claims (job_id, claim) values (:id, 'cancelled') "
                        + "on conflict (job_id) do nothing")
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .map(n -> n > 0);
    }

    /** Ends the job {@code cancelled} if it is still queued; false when it is not. */
    Mono<Boolean> cancelQueued(UUID id) {
        return db.sql("update api.jobs set status = 'cancelled', finished_at = now(), updated_at = now() "
                        + "where id = :id and status = 'queued'")
                .bind("id", id)
                .fetch()
                .rowsUpdated()
                .map(n -> n == 1);
    }

    String jsonText(Object value) {
        return value == null ? null : json.writeValueAsString(value);
    }

    JobView view(Readable row) {
        return new JobView(
                row.get("id", UUID.class).toString(),
                row.get("type", String.class),
                JobStatus.fromWireName(row.get("status", String.class)),
                row.get("tenant_id", String.class),
                row.get("resource", String.class),
                instant(row.get("created_at", OffsetDateTime.class)),
                instant(row.get("started_at", OffsetDateTime.class)),
                instant(row.get("finished_at", OffsetDateTime.class)),
                row.get("attempts", Integer.class),
                json.readValue(text(row.get("warnings", Json.class), "[]"), new TypeReference<List<Warning>>() {}),
                row.get("error", Json.class) == null
                        ? null
                        : json.readValue(text(row.get("error", Json.class), null), JobError.class),
                row.get("result", Json.class) == null ? null : json.readTree(text(row.get("result", Json.class), null)),
                row.get("progress", Integer.class));
    }

    private static String text(Json value, String fallback) {
        return value == null ? fallback : value.asString();
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
