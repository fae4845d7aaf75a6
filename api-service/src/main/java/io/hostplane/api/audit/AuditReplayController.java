package io.hostplane.api.audit;

import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.RequestJson;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.ReplayAudit;
import io.hostplane.common.topic.Topics;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/audit/replays} (scope {@code audit.replay}): replays a range of the audited topics into a
 * topic, an NDJSON file on the audit service, or the audit store itself, as a job ({@code audit.replay}) that the
 * audit service executes from {@code hostplane.audit-replays} (docs/audit.md, "Replay").
 *
 * <p>A tenant token replays its own tenant's events only, into targets named after its tenant ({@code
 * hostplane.replay.<tenant>.…}, {@code <tenant>-….ndjson}), so that one tenant can neither read nor feed another's
 * replay. The operator replays any tenant or all of them, and is the only one who may rebuild the store.
 */
@RestController
class AuditReplayController {

    static final String PLATFORM_TENANT = "platform";
    static final int MAX_OFFSET_RANGES = 1000;
    static final int MAX_RATE = 1_000_000;
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,120}\\.ndjson");

    private final JobService jobs;

    AuditReplayController(JobService jobs) {
        this.jobs = jobs;
    }

    @PostMapping(path = "/api/v1/audit/replays", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> replay(
            @RequestBody(required = false) JsonNode body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        ReplayAudit command = parse(body, caller);
        String jobTenant = caller.isOperator() ? PLATFORM_TENANT : caller.tenant();
        return jobs.accept(
                        JobService.NewJob.replay(jobTenant, "audit/replays", command), caller, RequestIds.of(exchange))
                .map(job -> Responses.accepted(exchange, job.id(), job));
    }

    /** The command the body asks for; every problem at once as a 400 (403 for what only the operator may do). */
    static ReplayAudit parse(JsonNode body, ApiPrincipal caller) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(
                    "The body must be a JSON object.",
                    List.of(new FieldError(null, ErrorCodes.INVALID, "Expected {\"target\": {\"kind\": …}, …}.")));
        }
        List<FieldError> errors = new ArrayList<>();
        for (String name : body.propertyNames()) {
            if (!Set.of("from", "to", "offsets", "topics", "tenant", "types", "target", "rate")
                    .contains(name)) {
                errors.add(new FieldError(name, ErrorCodes.UNSUPPORTED, "Unknown field."));
            }
        }
        Instant from = time(body, "from", errors);
        Instant to = time(body, "to", errors);
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(new FieldError("to", ErrorCodes.INVALID, "from must be before to."));
        }
        if (to != null && from == null && to.isAfter(Instant.now().plusSeconds(60))) {
            errors.add(new FieldError("to", ErrorCodes.INVALID, "A replay reads what is stored, not the future."));
        }
        List<String> topics = topics(body, errors);
        List<ReplayAudit.OffsetRange> offsets = offsets(body, errors);
        if (!offsets.isEmpty() && (from != null || to != null)) {
            errors.add(new FieldError("offsets", ErrorCodes.INVALID, "Either a time range or offsets, not both."));
        }
        String tenant = text(body, "tenant", errors);
        if (!caller.isOperator()) {
            if (tenant != null && !tenant.equals(caller.tenant())) {
                throw ApiException.notFound("No such tenant.");
            }
            tenant = caller.tenant();
        }
        List<String> types = new ArrayList<>();
        JsonNode typesNode = body.get("types");
        if (typesNode != null && !typesNode.isNull()) {
            if (!typesNode.isArray()) {
                errors.add(new FieldError("types", ErrorCodes.INVALID, "A list of event types."));
            } else {
                for (JsonNode t : typesNode) {
                    if (!t.isString() || !AuditQuery.KNOWN_TYPES.contains(t.asString())) {
                        errors.add(new FieldError("types", ErrorCodes.INVALID, "Unknown event type " + t + "."));
                    } else if (!types.contains(t.asString())) {
                        types.add(t.asString());
                    }
                }
            }
        }
        Integer rate = null;
        JsonNode rateNode = body.get("rate");
        if (rateNode != null && !rateNode.isNull()) {
            Long checked = RequestJson.integer(rateNode, "rate", 1, MAX_RATE, errors);
            rate = checked == null ? null : checked.intValue();
        }
        ReplayAudit.Target target = target(body.get("target"), caller, tenant, errors);
        if (target != null && target.kind().equals(ReplayAudit.Target.STORE)) {
            if (!caller.isOperator()) {
                throw ApiException.forbidden("Only the platform operator may rebuild the audit store.");
            }
            if (from != null
                    || to != null
                    || !offsets.isEmpty()
                    || !topics.isEmpty()
                    || tenant != null
                    || !types.isEmpty()) {
                errors.add(new FieldError(
                        "target",
                        ErrorCodes.INVALID,
                        "A rebuild restores whole chains: no range, topics, tenant or types with target store."));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("The replay request is invalid; nothing was done.", errors);
        }
        return new ReplayAudit(from, to, offsets, topics, tenant, types, target, rate);
    }

    private static ReplayAudit.Target target(
            JsonNode node, ApiPrincipal caller, String tenant, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError(
                    "target", ErrorCodes.REQUIRED, "Where to replay: {\"kind\": \"topic\" | \"file\" | \"store\"}."));
            return null;
        }
        if (!node.isObject() || !node.path("kind").isString()) {
            errors.add(new FieldError("target.kind", ErrorCodes.REQUIRED, "topic, file or store."));
            return null;
        }
        String kind = node.path("kind").asString();
        // A member of another kind of target is a mistake, not something to ignore (a path on a topic target).
        Set<String> members = switch (kind) {
            case ReplayAudit.Target.TOPIC -> Set.of("kind", "topic");
            case ReplayAudit.Target.FILE -> Set.of("kind", "path");
            case ReplayAudit.Target.STORE -> Set.of("kind");
            default -> Set.of();
        };
        for (Map.Entry<String, JsonNode> member : node.properties()) {
            if (!members.isEmpty() && !members.contains(member.getKey())) {
                errors.add(new FieldError(
                        "target." + member.getKey(), ErrorCodes.INVALID, "Not used by a " + kind + " target."));
                return null;
            }
        }
        switch (kind) {
            case ReplayAudit.Target.TOPIC -> {
                String topic =
                        node.path("topic").isString() ? node.path("topic").asString() : null;
                String prefix =
                        caller.isOperator() ? Topics.REPLAY_TOPIC_PREFIX : Topics.REPLAY_TOPIC_PREFIX + tenant + ".";
                if (topic == null
                        || !TOPIC.matcher(topic).matches()
                        || !topic.startsWith(prefix)
                        || topic.length() == prefix.length()) {
                    errors.add(new FieldError(
                            "target.topic",
                            ErrorCodes.INVALID,
                            "A topic named " + prefix + "<name> (letters, digits, '.', '_', '-'); replays never "
                                    + "write the platform's own topics."));
                    return null;
                }
                return new ReplayAudit.Target(kind, topic, null);
            }
            case ReplayAudit.Target.FILE -> {
                String path = node.path("path").isString() ? node.path("path").asString() : null;
                String prefix = caller.isOperator() ? "" : tenant + "-";
                if (path == null || !FILE.matcher(path).matches() || !path.startsWith(prefix)) {
                    errors.add(new FieldError(
                            "target.path",
                            ErrorCodes.INVALID,
                            "A file name " + prefix + "<name>.ndjson (letters, digits, '.', '_', '-'; no directories): "
                                    + "it is written in the audit service's replay directory."));
                    return null;
                }
                return new ReplayAudit.Target(kind, null, path);
            }
            case ReplayAudit.Target.STORE -> {
                return new ReplayAudit.Target(kind, null, null);
            }
            default -> {
                errors.add(new FieldError("target.kind", ErrorCodes.INVALID, "topic, file or store."));
                return null;
            }
        }
    }

    private static List<String> topics(JsonNode body, List<FieldError> errors) {
        JsonNode node = body.get("topics");
        Set<String> topics = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            errors.add(new FieldError("topics", ErrorCodes.INVALID, "A list of topics."));
            return List.of();
        }
        for (JsonNode t : node) {
            if (!t.isString() || !Topics.AUDITED.contains(t.asString())) {
                errors.add(
                        new FieldError("topics", ErrorCodes.INVALID, "One of " + Topics.AUDITED + ", not " + t + "."));
            } else {
                topics.add(t.asString());
            }
        }
        return List.copyOf(topics);
    }

    private static List<ReplayAudit.OffsetRange> offsets(JsonNode body, List<FieldError> errors) {
        JsonNode node = body.get("offsets");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > MAX_OFFSET_RANGES) {
            errors.add(new FieldError(
                    "offsets",
                    ErrorCodes.INVALID,
                    "A list of at most " + MAX_OFFSET_RANGES + " {topic, partition, from, to} ranges."));
            return List.of();
        }
        List<ReplayAudit.OffsetRange> ranges = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode r = node.get(i);
            String field = "offsets[" + i + "]";
            String topic = r.path("topic").isString() ? r.path("topic").asString() : null;
            if (topic == null || !Topics.AUDITED.contains(topic)) {
                errors.add(new FieldError(field + ".topic", ErrorCodes.INVALID, "One of " + Topics.AUDITED + "."));
                continue;
            }
            int before = errors.size();
            Long partition =
                    RequestJson.integer(r.get("partition"), field + ".partition", 0, Integer.MAX_VALUE, errors);
            Long from = RequestJson.integer(r.get("from"), field + ".from", 0, Long.MAX_VALUE, errors);
            Long to = null;
            if (from != null && r.has("to") && !r.get("to").isNull()) {
                to = RequestJson.integer(r.get("to"), field + ".to", from + 1, Long.MAX_VALUE, errors);
            }
            if (errors.size() > before) {
                continue;
            }
            if (!seen.add(topic + "/" + partition)) {
                errors.add(new FieldError(field, ErrorCodes.INVALID, "One range per partition."));
                continue;
            }
            ranges.add(new ReplayAudit.OffsetRange(topic, partition.intValue(), from, to));
        }
        return ranges;
    }

    private static Instant time(JsonNode body, String name, List<FieldError> errors) {
        String text = text(body, name, errors);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(name, ErrorCodes.INVALID, "An RFC 3339 time in UTC, e.g. 2026-11-26T00:00:00Z."));
            return null;
        }
    }

    private static String text(JsonNode body, String name, List<FieldError> errors) {
        JsonNode node = body.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString() || node.asString().isBlank()) {
            errors.add(new FieldError(name, ErrorCodes.INVALID, "A string."));
            return null;
        }
        return node.asString();
    }
}
