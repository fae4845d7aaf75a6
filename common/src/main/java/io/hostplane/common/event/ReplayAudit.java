package io.hostplane.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * Command {@code audit.replay}, on {@code hostplane.audit-replays} keyed by job id, executed by the audit service
 * (docs/audit.md, "Replay"). It reads {@code topics} (all three audited topics when empty) either over the
 * record-time range {@code [from, to)} or over the given {@code offsets}, keeps the events of {@code tenant} and
 * of {@code types} when given, and writes them to {@code target}.
 *
 * @param from first record time, inclusive; null: the earliest record the topics still hold
 * @param to end of the range, exclusive; null: the moment the replay starts
 * @param offsets per-partition offset ranges, instead of a time range; empty for a time range
 * @param rate at most this many records read per second (null: as fast as the broker gives them), so that a
 *     large replay leaves the broker and the store to the live consumers
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ReplayAudit(
        Instant from,
        Instant to,
        List<OffsetRange> offsets,
        List<String> topics,
        String tenant,
        List<String> types,
        Target target,
        Integer rate) {

    public ReplayAudit {
        offsets = offsets == null ? List.of() : List.copyOf(offsets);
        topics = topics == null ? List.of() : List.copyOf(topics);
        types = types == null ? List.of() : List.copyOf(types);
    }

    /** Offsets {@code [from, to)} of one partition; {@code to} null: up to the end when the replay starts. */
    public record OffsetRange(String topic, int partition, long from, Long to) {}

    /**
     * Where a replay goes: {@code kind} {@code topic} (a topic named {@code hostplane.replay.*}), {@code file} (an
     * NDJSON file of that name in the audit service's replay directory) or {@code store} (the audit store itself,
     * rebuilt: every chain is filled from its stored tail, or from the earliest retained offset when it is empty).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(String kind, String topic, String path) {
        public static final String TOPIC = "topic";
        public static final String FILE = "file";
        public static final String STORE = "store";
    }
}
