package io.hostplane.api.audit;

import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * The filters of {@code GET /audit/events} and {@code /audit/export}, checked: a time range ({@code from}
 * inclusive, {@code to} exclusive, ISO-8601), {@code type} (repeated: any of; known types only), {@code actor}
 * (token id), {@code resource} (the event's subject), {@code job_id}, {@code request_id}, {@code outcome}
 * ({@code succeeded}, {@code failed}, {@code cancelled}, {@code accepted}, {@code pending}) and {@code order} ({@code desc}, the
 * default, or {@code asc}). A tenant token sees its own tenant and at most {@code tenantMaxRange} at once: without
 * {@code from} it gets the last such span, a longer range is a 400. The operator sees every tenant, or one with
 * {@code tenant}.
 */
record AuditQuery(
        String tenant,
        Instant from,
        Instant to,
        List<String> types,
        String actor,
        String resource,
        String jobId,
        String requestId,
        String outcome,
        boolean ascending,
        String fingerprint,
        boolean capped) {

    static final Set<String> OUTCOMES = Set.of("succeeded", "failed", "cancelled", "accepted", "pending");
    static final Set<String> KNOWN_TYPES = knownTypes();

    /** Where a page starts after: the last row's time and sequence number. */
    record Position(Instant time, long seq) {}

    /**
     * The filters as the controllers declare them ({@code @RequestParam}s, so that the OpenAPI test sees each
     * name), in the form {@link #parse} reads; an absent one is left out.
     */
    static MultiValueMap<String, String> filters(
            String tenant,
            String from,
            String to,
            List<String> types,
            String actor,
            String resource,
            String jobId,
            String requestId,
            String outcome,
            String order) {
        MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        put(params, "tenant", tenant);
        put(params, "from", from);
        put(params, "to", to);
        if (types != null) {
            params.put("type", List.copyOf(types));
        }
        put(params, "actor", actor);
        put(params, "resource", resource);
        put(params, "job_id", jobId);
        put(params, "request_id", requestId);
        put(params, "outcome", outcome);
        put(params, "order", order);
        return params;
    }

    private static void put(MultiValueMap<String, String> params, String name, String value) {
        if (value != null) {
            params.add(name, value);
        }
    }

    static AuditQuery parse(MultiValueMap<String, String> params, ApiPrincipal caller, Duration tenantMaxRange) {
        String tenant = caller.isOperator() ? params.getFirst("tenant") : caller.tenant();
        if (!caller.isOperator()
                && params.getFirst("tenant") != null
                && !params.getFirst("tenant").equals(tenant)) {
            throw ApiException.notFound("No such tenant.");
        }
        Instant to = time(params, "to");
        Instant from = time(params, "from");
        boolean capped = false;
        if (from != null && to != null && !from.isBefore(to)) {
            throw bad("to", "from must be before to.");
        }
        if (!caller.isOperator()) {
            if (from == null) {
                Instant end = to == null ? Instant.now() : to;
                from = end.minus(tenantMaxRange);
                capped = true;
            } else if (Duration.between(from, to == null ? Instant.now() : to).compareTo(tenantMaxRange) > 0) {
                throw bad("from", "A tenant token may query at most " + tenantMaxRange.toDays() + " days at once.");
            }
        }
        List<String> types = params.getOrDefault("type", List.of());
        for (String type : types) {
            if (!KNOWN_TYPES.contains(type)) {
                throw bad("type", "Unknown event type " + type + ".");
            }
        }
        String outcome = params.getFirst("outcome");
        if (outcome != null && !OUTCOMES.contains(outcome)) {
            throw bad("outcome", "One of " + new TreeSet<>(OUTCOMES) + ".");
        }
        String order = params.getFirst("order");
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            throw bad("order", "asc or desc.");
        }
        // The cursor belongs to the filters as given (not to a defaulted "now"), so that later pages keep them.
        String given = String.join(
                "\u0000",
                String.valueOf(tenant),
                String.valueOf(params.getFirst("from")),
                String.valueOf(params.getFirst("to")),
                String.join(",", new TreeSet<>(types)),
                String.valueOf(params.getFirst("actor")),
                String.valueOf(params.getFirst("resource")),
                String.valueOf(params.getFirst("job_id")),
                String.valueOf(params.getFirst("request_id")),
                String.valueOf(outcome),
                String.valueOf(order));
        return new AuditQuery(
                tenant,
                from,
                to,
                types,
                params.getFirst("actor"),
                params.getFirst("resource"),
                params.getFirst("job_id"),
                params.getFirst("request_id"),
                outcome,
                "asc".equals(order),
                fingerprint(given),
                capped);
    }

    /**
     * The position a cursor after {@code position} holds (signed by {@link io.hostplane.api.system.Cursors}, bound
     * to the {@link #fingerprint}): the position and the time window the query started with, so that a defaulted
     * {@code from} does not move between pages.
     */
    String position(Position position) {
        return position.time() + "|" + position.seq() + "|" + from + "|" + to;
    }

    /** This query continued after a cursor's {@link #position}; anything else is an {@link IllegalArgumentException}. */
    Continued after(String position) {
        String[] parts = position.split("\\|", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an audit position");
        }
        AuditQuery same = new AuditQuery(
                tenant,
                parts[2].equals("null") ? null : Instant.parse(parts[2]),
                parts[3].equals("null") ? null : Instant.parse(parts[3]),
                types,
                actor,
                resource,
                jobId,
                requestId,
                outcome,
                ascending,
                fingerprint,
                capped);
        return new Continued(same, new Position(Instant.parse(parts[0]), Long.parseLong(parts[1])));
    }

    record Continued(AuditQuery query, Position position) {}

    private static Instant time(MultiValueMap<String, String> params, String name) {
        String value = params.getFirst(name);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw bad(name, "An ISO-8601 time such as 2026-01-31T00:00:00Z.");
        }
    }

    static ApiException bad(String field, String message) {
        return ApiException.badRequest(message, List.of(new FieldError(field, ErrorCodes.INVALID, message)));
    }

    private static String fingerprint(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every type the platform emits: the named facts, one command per job type, one event per job state. */
    private static Set<String> knownTypes() {
        Set<String> types = new TreeSet<>();
        for (Field f : EventTypes.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                types.add(constant(f));
            }
        }
        for (Field f : JobTypes.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                types.add(EventTypes.command(constant(f)));
            }
        }
        for (JobStatus status : JobStatus.values()) {
            types.add(EventTypes.job(status));
        }
        return Set.copyOf(types);
    }

    private static String constant(Field f) {
        try {
            return (String) f.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
