package io.hostplane.api.audit;

import io.hostplane.api.system.ApiException;
import io.r2dbc.postgresql.codec.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.r2dbc.BadSqlGrammarException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the audit store ({@code audit.events}, written only by the audit service) through the read-only login. */
@Repository
class AuditEventStore {

    /** What happened, derived from the event: see docs/audit.md. */
    static final String OUTCOME = "case"
            + " when type = 'io.hostplane.job.succeeded.v1' then 'succeeded'"
            + " when type = 'io.hostplane.job.failed.v1' then 'failed'"
            + " when type = 'io.hostplane.job.cancelled.v1' then 'cancelled'"
            + " when type like 'io.hostplane.job.%' then 'pending'"
            + " when type like 'io.hostplane.command.%' then 'accepted'"
            + " when type = 'io.hostplane.api.request.recorded.v1' then"
            + "  case when (event -> 'data' ->> 'status')::int < 400 then 'succeeded' else 'failed' end"
            + " else 'succeeded' end";

    static final String ACTOR = "coalesce(event -> 'data' ->> 'token_id', event -> 'data' ->> 'actor_token_id')";

    /** Who acted: the tenant, the token (by id), its principal and the client's address, where the event knows. */
    record Actor(String tenant, String tokenId, String principal, String clientIp) {}

    /** One stored event: who, what, when, the outcome, and where it came from. */
    record AuditEventView(
            long seq,
            String id,
            String source,
            String type,
            String subject,
            String resource,
            Instant time,
            String tenant,
            Actor actor,
            String outcome,
            String requestId,
            String jobId,
            String topic,
            int partition,
            long offset,
            JsonNode data) {}

    private final DatabaseClient db;
    private final JsonMapper json;

    AuditEventStore(AuditDatabase db, JsonMapper json) {
        this.db = db.client();
        this.json = json;
    }

    Flux<AuditEventView> find(AuditQuery query, AuditQuery.Position after, int limit) {
        Map<String, Object> binds = new LinkedHashMap<>();
        String sql = "select seq, event_id, source, type, subject, occurred_at, tenant, request_id, job_id, topic, "
                + "kafka_partition, kafka_offset, event -> 'data' as data, " + ACTOR + " as actor, " + OUTCOME
                + " as outcome from audit.events" + where(query, after, binds) + order(query) + " limit :limit";
        binds.put("limit", limit);
        return bind(db.sql(sql), binds)
                .map((row, meta) -> {
                    Json data = row.get("data", Json.class);
                    JsonNode node = data == null ? null : json.readTree(data.asString());
                    String tenant = row.get("tenant", String.class);
                    return new AuditEventView(
                            row.get("seq", Long.class),
                            row.get("event_id", String.class),
                            row.get("source", String.class),
                            row.get("type", String.class),
                            row.get("subject", String.class),
                            row.get("subject", String.class),
                            row.get("occurred_at", OffsetDateTime.class).toInstant(),
                            tenant,
                            new Actor(
                                    tenant,
                                    row.get("actor", String.class),
                                    text(node, "principal"),
                                    text(node, "client_ip")),
                            row.get("outcome", String.class),
                            row.get("request_id", String.class),
                            row.get("job_id", String.class),
                            row.get("topic", String.class),
                            row.get("kafka_partition", Integer.class),
                            row.get("kafka_offset", Long.class),
                            node);
                })
                .all()
                .onErrorMap(AuditEventStore::unavailable);
    }

    /**
     * Every matching event as stored (the CloudEvent's JSON), streamed from a server-side portal 500 rows at a
     * time: the flux is read as fast as the client takes it, never collected.
     */
    Flux<String> export(AuditQuery query) {
        Map<String, Object> binds = new LinkedHashMap<>();
        String sql = "select event::text as event from audit.events" + where(query, null, binds) + order(query);
        return bind(db.sql(sql).filter((statement, next) -> next.execute(statement.fetchSize(500))), binds)
                .map((row, meta) -> row.get("event", String.class))
                .all()
                .onErrorMap(AuditEventStore::unavailable);
    }

    /** The SQL condition of the query's filters (and of the position after which a page starts), its binds added. */
    static String where(AuditQuery q, AuditQuery.Position after, Map<String, Object> binds) {
        return " where " + condition(q, after, binds);
    }

    /** {@link #where} without the keyword: the condition alone, to be used as a column (the proof export's). */
    static String condition(AuditQuery q, AuditQuery.Position after, Map<String, Object> binds) {
        StringBuilder sql = new StringBuilder("true");
        if (q.tenant() != null) {
            sql.append(" and tenant = :tenant");
            binds.put("tenant", q.tenant());
        }
        if (q.from() != null) {
            sql.append(" and occurred_at >= :from");
            binds.put("from", q.from());
        }
        if (q.to() != null) {
            sql.append(" and occurred_at < :to");
            binds.put("to", q.to());
        }
        if (!q.types().isEmpty()) {
            sql.append(" and type = any(:types)");
            binds.put("types", q.types().toArray(String[]::new));
        }
        if (q.actor() != null) {
            sql.append(" and ").append(ACTOR).append(" = :actor");
            binds.put("actor", q.actor());
        }
        if (q.resource() != null) {
            sql.append(" and subject = :resource");
            binds.put("resource", q.resource());
        }
        if (q.jobId() != null) {
            sql.append(" and job_id = :jobId");
            binds.put("jobId", q.jobId());
        }
        if (q.requestId() != null) {
            sql.append(" and request_id = :requestId");
            binds.put("requestId", q.requestId());
        }
        if (q.outcome() != null) {
            sql.append(" and ").append(OUTCOME).append(" = :outcome");
            binds.put("outcome", q.outcome());
        }
        if (after != null) {
            sql.append(
                    q.ascending()
                            ? " and (occurred_at, seq) > (:afterTime, :afterSeq)"
                            : " and (occurred_at, seq) < (:afterTime, :afterSeq)");
            binds.put("afterTime", after.time());
            binds.put("afterSeq", after.seq());
        }
        return sql.toString();
    }

    private static String order(AuditQuery q) {
        return q.ascending() ? " order by occurred_at, seq" : " order by occurred_at desc, seq desc";
    }

    static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, Map<String, Object> binds) {
        for (Map.Entry<String, Object> bind : binds.entrySet()) {
            spec = spec.bind(bind.getKey(), bind.getValue());
        }
        return spec;
    }

    private static String text(JsonNode node, String field) {
        if (node == null || !node.path(field).isString()) {
            return null;
        }
        return node.path(field).asString();
    }

    /** The audit service owns and creates the audit tables and grants the reader; until it has run, a 503. */
    static Throwable unavailable(Throwable e) {
        if (e instanceof BadSqlGrammarException
                || e instanceof PermissionDeniedDataAccessException
                || e instanceof DataAccessResourceFailureException) {
            return ApiException.unavailable("The audit store is not available yet; retry later.");
        }
        return e;
    }
}
