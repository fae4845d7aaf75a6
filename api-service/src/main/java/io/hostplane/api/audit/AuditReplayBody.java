package io.hostplane.api.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ReplayAudit;
import io.hostplane.common.topic.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/audit/replays}, each member of its type and, where that alone decides it,
 * within its range (audited topics, known event types, one offset range per partition). What depends on who
 * asks (a tenant, a target's name, rebuilding the store) or on several members is {@link AuditReplayController}'s
 * to say.
 *
 * @param from the start of a time range, or null
 * @param to the end of a time range, or null
 * @param topics the audited topics to replay, none for all
 * @param offsets offset ranges instead of a time range, or none
 * @param tenant the tenant whose events to replay, or null
 * @param types the event types to replay, none for all
 * @param target where to replay; null if missing or of the wrong shape (reported)
 * @param rate events per second, or null for the default
 */
record AuditReplayBody(
        Instant from,
        Instant to,
        List<String> topics,
        List<ReplayAudit.OffsetRange> offsets,
        String tenant,
        List<String> types,
        Target target,
        Integer rate) {

    private static final Set<String> MEMBERS =
            Set.of("from", "to", "offsets", "topics", "tenant", "types", "target", "rate");

    /**
     * Where to replay, as given.
     *
     * @param kind {@code topic}, {@code file} or {@code store}
     * @param topic the topic of a topic target, if given as a string
     * @param path the file name of a file target, if given as a string
     */
    record Target(String kind, String topic, String path) {}

    /** Binds the body; a 400 naming each member that is unknown, of the wrong type or out of range. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static AuditReplayBody from(JsonNode body) {
        return RequestFields.bind(body, "The replay request is invalid; nothing was done.", AuditReplayBody::read);
    }

    private static AuditReplayBody read(RequestFields fields) {
        for (String name : fields.names()) {
            if (!MEMBERS.contains(name)) {
                fields.reject(name, ErrorCodes.UNSUPPORTED, "Unknown field.");
            }
        }
        Instant from = time(fields, "from");
        Instant to = time(fields, "to");
        List<String> topics = topics(fields);
        List<ReplayAudit.OffsetRange> offsets = offsets(fields);
        String tenant = text(fields, "tenant");
        List<String> types = types(fields);
        Long rate = fields.integer("rate", 1, AuditReplayController.MAX_RATE);
        Target target = target(fields);
        return new AuditReplayBody(
                from, to, topics, offsets, tenant, types, target, rate == null ? null : rate.intValue());
    }

    private static List<String> topics(RequestFields fields) {
        Set<String> topics = new LinkedHashSet<>();
        fields.list("topics", 0, Integer.MAX_VALUE, ErrorCodes.INVALID, "A list of topics.", item -> {
            String topic = item.stringValue();
            if (topic == null || !Topics.AUDITED.contains(topic)) {
                fields.reject("topics", ErrorCodes.INVALID, "One of " + Topics.AUDITED + ", not " + item.json() + ".");
            } else {
                topics.add(topic);
            }
            return topic;
        });
        return List.copyOf(topics);
    }

    private static List<String> types(RequestFields fields) {
        List<String> types = new ArrayList<>();
        fields.list("types", 0, Integer.MAX_VALUE, ErrorCodes.INVALID, "A list of event types.", item -> {
            String type = item.stringValue();
            if (type == null || !AuditQuery.KNOWN_TYPES.contains(type)) {
                fields.reject("types", ErrorCodes.INVALID, "Unknown event type " + item.json() + ".");
            } else if (!types.contains(type)) {
                types.add(type);
            }
            return type;
        });
        return types;
    }

    private static List<ReplayAudit.OffsetRange> offsets(RequestFields fields) {
        Set<String> seen = new LinkedHashSet<>();
        List<ReplayAudit.OffsetRange> ranges = fields.list(
                "offsets",
                0,
                AuditReplayController.MAX_OFFSET_RANGES,
                ErrorCodes.INVALID,
                "A list of at most " + AuditReplayController.MAX_OFFSET_RANGES
                        + " {topic, partition, from, to} ranges.",
                range -> {
                    String topic = range.textOrNull("topic");
                    if (topic == null || !Topics.AUDITED.contains(topic)) {
                        range.reject("topic", ErrorCodes.INVALID, "One of " + Topics.AUDITED + ".");
                        return null;
                    }
                    int before = range.problems();
                    Long partition = range.requiredInteger("partition", 0, Integer.MAX_VALUE);
                    Long from = range.requiredInteger("from", 0, Long.MAX_VALUE);
                    Long to = from != null && range.given("to") ? range.integer("to", from + 1, Long.MAX_VALUE) : null;
                    if (range.problems() > before) {
                        return null;
                    }
                    if (!seen.add(topic + "/" + partition)) {
                        range.rejectThis(ErrorCodes.INVALID, "One range per partition.");
                        return null;
                    }
                    return new ReplayAudit.OffsetRange(topic, partition.intValue(), from, to);
                });
        return ranges == null
                ? List.of()
                : ranges.stream().filter(Objects::nonNull).toList();
    }

    private static Target target(RequestFields fields) {
        if (!fields.given("target")) {
            fields.reject(
                    "target", ErrorCodes.REQUIRED, "Where to replay: {\"kind\": \"topic\" | \"file\" | \"store\"}.");
            return null;
        }
        RequestFields target = fields.at("target");
        String kind = target.textOrNull("kind");
        if (kind == null) {
            target.reject("kind", ErrorCodes.REQUIRED, "topic, file or store.");
            return null;
        }
        // A member of another kind of target is a mistake, not something to ignore (a path on a topic target).
        Set<String> members = switch (kind) {
            case ReplayAudit.Target.TOPIC -> Set.of("kind", "topic");
            case ReplayAudit.Target.FILE -> Set.of("kind", "path");
            case ReplayAudit.Target.STORE -> Set.of("kind");
            default -> Set.of();
        };
        if (members.isEmpty()) {
            target.reject("kind", ErrorCodes.INVALID, "topic, file or store.");
            return null;
        }
        for (String name : target.names()) {
            if (!members.contains(name)) {
                target.reject(name, ErrorCodes.INVALID, "Not used by a " + kind + " target.");
                return null;
            }
        }
        return new Target(kind, target.textOrNull("topic"), target.textOrNull("path"));
    }

    private static Instant time(RequestFields fields, String name) {
        String text = text(fields, name);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            fields.reject(name, ErrorCodes.INVALID, "An RFC 3339 time in UTC, e.g. 2026-11-26T00:00:00Z.");
            return null;
        }
    }

    private static String text(RequestFields fields, String name) {
        String text = fields.text(name, ErrorCodes.INVALID, "A string.");
        if (text != null && text.isBlank()) {
            fields.reject(name, ErrorCodes.INVALID, "A string.");
            return null;
        }
        return text;
    }
}
