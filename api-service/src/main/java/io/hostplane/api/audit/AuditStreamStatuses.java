package io.hostplane.api.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.dao.PermissionDeniedDataAccessException;
import org.springframework.r2dbc.BadSqlGrammarException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * How each audit stream's deliveries go, as the audit service records them in its schema {@code audit_stream}
 * (read through the read-only audit login). Before the audit service has run (no schema yet) or seen a stream,
 * a stream simply has no status yet.
 */
@Repository
class AuditStreamStatuses {

    /** One stream's deliveries; {@code position} maps {@code topic/partition} to the last delivered offset. */
    record Status(
            Instant startedAt,
            long delivered,
            Long lag,
            Instant lastDeliveryAt,
            String lastError,
            Instant lastErrorAt,
            Instant failingSince,
            Instant selfPausedAt,
            String selfPausedReason,
            Map<String, Long> position) {

        static final Status NONE = new Status(null, 0, null, null, null, null, null, null, null, Map.of());
    }

    private final DatabaseClient db;

    AuditStreamStatuses(AuditDatabase db) {
        this.db = db.client();
    }

    /** The status of each of {@code ids} the audit service has recorded (two queries, whatever their number). */
    Mono<Map<UUID, Status>> of(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Mono.just(Map.of());
        }
        UUID[] array = ids.toArray(UUID[]::new);
        Mono<Map<UUID, Map<String, Long>>> positions = db.sql(
                        "select stream_id, topic, kafka_partition, kafka_offset from audit_stream.positions "
                                + "where stream_id = any(:ids)")
                .bind("ids", array)
                .map((row, meta) -> new Object[] {
                    row.get("stream_id", UUID.class),
                    row.get("topic", String.class) + "/" + row.get("kafka_partition", Integer.class),
                    row.get("kafka_offset", Long.class)
                })
                .all()
                .collect(
                        HashMap::new,
                        (Map<UUID, Map<String, Long>> map, Object[] r) -> map.computeIfAbsent(
                                        (UUID) r[0], k -> new TreeMap<>())
                                .put((String) r[1], (Long) r[2]));
        return positions
                .flatMap(pos -> db.sql("select stream_id, started_at, delivered, lag, last_delivery_at, "
                                + "last_error, last_error_at, failing_since, self_paused_at, self_paused_reason "
                                + "from audit_stream.status where stream_id = any(:ids)")
                        .bind("ids", array)
                        .map((row, meta) -> Map.entry(
                                row.get("stream_id", UUID.class),
                                new Status(
                                        instant(row.get("started_at", OffsetDateTime.class)),
                                        row.get("delivered", Long.class),
                                        row.get("lag", Long.class),
                                        instant(row.get("last_delivery_at", OffsetDateTime.class)),
                                        row.get("last_error", String.class),
                                        instant(row.get("last_error_at", OffsetDateTime.class)),
                                        instant(row.get("failing_since", OffsetDateTime.class)),
                                        instant(row.get("self_paused_at", OffsetDateTime.class)),
                                        row.get("self_paused_reason", String.class),
                                        Map.copyOf(pos.getOrDefault(row.get("stream_id", UUID.class), Map.of())))))
                        .all()
                        .collectMap(Map.Entry::getKey, Map.Entry::getValue))
                // No audit_stream schema yet (the audit service has not run), or no grant: no status to show.
                .onErrorResume(
                        e -> e instanceof BadSqlGrammarException || e instanceof PermissionDeniedDataAccessException,
                        e -> Mono.just(Map.of()));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
