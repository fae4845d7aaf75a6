package io.hostplane.api.jobs;

import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.Warning;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
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

    /** Stores a queued job; without {@code callbackUrl} the job takes its token's default, if any. */
    Mono<Void> insert(
            UUID id,
            String tenant,
            String type,
            String resource,
            String requestId,
            String tokenId,
            String callbackUrl) {
        DatabaseClient.GenericExecuteSpec insert = db.sql("insert into api.jobs "
                        + "(id, tenant_id, type, status, resource, request_id, token_id, callback_url) "
                        + "values (:id, :tenant, :type, 'queued', :resource, :requestId, :tokenId, "
                        + "coalesce(:callback, (select callback_url from api.tokens where id = :tokenId)))")
                .bind("id", id)
                .bind("tenant", tenant)
                .bind("type", type)
                .bind("resource", resource)
                .bind("requestId", requestId)
                .bind("tokenId", tokenId);
        insert = callbackUrl == null ? insert.bindNull("callback", String.class) : insert.bind("callback", callbackUrl);
        return insert.then();
    }

    Mono<JobView> find(UUID id) {
        return db.sql("select " + COLUMNS + " from api.jobs where id = :id")
                .bind("id", id)
                .map((row, meta) -> view(row))
                .one();
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

    /**
     * Moves a job to {@code next} unless it is already there or further; returns whether this call moved it.
     * Terminal states never change.
     */
    Mono<Boolean> transition(
            UUID id,
            JobStatus next,
            int attempts,
            List<Warning> warnings,
            JobError error,
            JsonNode result,
            Instant at) {
        String[] from = Arrays.stream(JobStatus.values())
                .filter(s -> s.canMoveTo(next))
                .map(JobStatus::wireName)
                .toArray(String[]::new);
        if (from.length == 0) {
            return Mono.just(false);
        }
        DatabaseClient.GenericExecuteSpec spec = db.sql(
                        "update api.jobs set status = :status, attempts = greatest(attempts, :attempts), "
                                + "started_at = coalesce(started_at, :at), "
                                + "finished_at = case when :terminal then :at else finished_at end, "
                                + "warnings = :warnings, error = :error, result = :result, "
                                + "progress = case when :status = 'succeeded' then 100 else progress end, "
                                + "updated_at = now() where id = :id and status = any(:from)")
                .bind("status", next.wireName())
                .bind("attempts", attempts)
                .bind("at", at.atOffset(java.time.ZoneOffset.UTC))
                .bind("terminal", next.isTerminal())
                .bind("warnings", Json.of(json.writeValueAsString(warnings == null ? List.of() : warnings)))
                .bind("id", id)
                .bind("from", from);
        spec = error == null
                ? spec.bindNull("error", Json.class)
                : spec.bind("error", Json.of(json.writeValueAsString(error)));
        spec = result == null
                ? spec.bindNull("result", Json.class)
                : spec.bind("result", Json.of(json.writeValueAsString(result)));
        return spec.fetch().rowsUpdated().map(n -> n > 0);
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
