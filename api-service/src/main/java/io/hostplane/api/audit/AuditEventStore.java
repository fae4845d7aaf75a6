package io.hostplane.api.audit;

import io.hostplane.api.system.ApiException;
import io.r2dbc.postgresql.codec.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.r2dbc.BadSqlGrammarException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the audit store ({@code audit.events}, written only by the audit service). */
@Repository
class AuditEventStore {

    record Filter(String tenant, String jobId, String requestId, List<String> types, Long beforeSeq) {}

    /** One stored event: the CloudEvent as consumed, and where it came from. */
    record AuditEventView(
            long seq,
            String id,
            String source,
            String type,
            String subject,
            Instant time,
            String tenant,
            String requestId,
            String jobId,
            String topic,
            int partition,
            long offset,
            JsonNode data) {}

    private final DatabaseClient db;
    private final JsonMapper json;

    AuditEventStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    Flux<AuditEventView> find(Filter filter, int limit) {
        StringBuilder sql = new StringBuilder(
                "select seq, event_id, source, type, subject, occurred_at, tenant, request_id, job_id, topic, "
                        + "kafka_partition, kafka_offset, event -> 'data' as data from audit.events where true");
        if (filter.tenant() != null) {
            sql.append(" and tenant = :tenant");
        }
        if (filter.jobId() != null) {
            sql.append(" and job_id = :jobId");
        }
        if (filter.requestId() != null) {
            sql.append(" and request_id = :requestId");
        }
        if (!filter.types().isEmpty()) {
            sql.append(" and type = any(:types)");
        }
        if (filter.beforeSeq() != null) {
            sql.append(" and seq < :before");
        }
        sql.append(" order by seq desc limit :limit");
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString()).bind("limit", limit);
        if (filter.tenant() != null) {
            spec = spec.bind("tenant", filter.tenant());
        }
        if (filter.jobId() != null) {
            spec = spec.bind("jobId", filter.jobId());
        }
        if (filter.requestId() != null) {
            spec = spec.bind("requestId", filter.requestId());
        }
        if (!filter.types().isEmpty()) {
            spec = spec.bind("types", filter.types().toArray(String[]::new));
        }
        if (filter.beforeSeq() != null) {
            spec = spec.bind("before", filter.beforeSeq());
        }
        return spec.map((row, meta) -> {
                    Json data = row.get("data", Json.class);
                    return new AuditEventView(
                            row.get("seq", Long.class),
                            row.get("event_id", String.class),
                            row.get("source", String.class),
                            row.get("type", String.class),
                            row.get("subject", String.class),
                            row.get("occurred_at", OffsetDateTime.class).toInstant(),
                            row.get("tenant", String.class),
                            row.get("request_id", String.class),
                            row.get("job_id", String.class),
                            row.get("topic", String.class),
                            row.get("kafka_partition", Integer.class),
                            row.get("kafka_offset", Long.class),
                            data == null ? null : json.readTree(data.asString()));
                })
                .all()
                // The audit service owns and creates audit.events; until it has run there is nothing to read.
                .onErrorMap(
                        BadSqlGrammarException.class,
                        e -> ApiException.unavailable("The audit store is not available yet; retry later."));
    }
}
