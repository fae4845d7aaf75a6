package io.hostplane.api.system;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What every request body, query parameter and form field must be before any feature reads it. Request JSON
 * passes {@link #check} as it is decoded ({@link RequestJsonCodec}), so no controller ever sees:
 *
 * <ul>
 *   <li>a body that is not a JSON object (every body this API takes is one);
 *   <li>a NUL character (PostgreSQL cannot store one in text) or an unpaired UTF-16 surrogate (no character
 *       at all), in a value or in a member name;
 *   <li>an integer beyond 64 bits, or a number that is not finite.
 * </ul>
 *
 * Each is a 400 naming the field as the features name theirs ({@code rate_limit.limit},
 * {@code changes[2].ttl}). A field's own range is then checked where the field is read, with {@link #integer}.
 */
public final class RequestJson {

    /** At most this many problems are reported for one body. */
    private static final int MAX_ERRORS = 20;

    private RequestJson() {}

    /** Refuses {@code body} unless it is an object free of the problems above; a 400 lists each one. */
    static void check(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest(
                    "The body must be a JSON object.",
                    List.of(new FieldError(null, ErrorCodes.INVALID, "The body must be a JSON object.")));
        }
        List<FieldError> errors = new ArrayList<>();
        walk(body, null, errors);
        if (!errors.isEmpty()) {
            FieldError first = errors.get(0);
            throw ApiException.badRequest(
                    (first.field() == null ? "" : first.field() + ": ")
                            + first.message()
                            + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""),
                    errors);
        }
    }

    private static void walk(JsonNode node, String path, List<FieldError> errors) {
        if (errors.size() >= MAX_ERRORS) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                String name = member.getKey();
                String problem = problemIn(name);
                if (problem != null) {
                    errors.add(new FieldError(path, ErrorCodes.INVALID, "A member name " + problem + "."));
                    continue;
                }
                walk(member.getValue(), path == null ? name : path + "." + name, errors);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), (path == null ? "" : path) + "[" + i + "]", errors);
            }
        } else if (node.isString()) {
            String problem = problemIn(node.asString());
            if (problem != null) {
                errors.add(new FieldError(path, ErrorCodes.INVALID, "The value " + problem + "."));
            }
        } else if (node.isIntegralNumber() && !node.canConvertToLong()) {
            errors.add(new FieldError(
                    path,
                    node.bigIntegerValue().signum() < 0 ? ErrorCodes.TOO_SMALL : ErrorCodes.TOO_LARGE,
                    "Beyond the 64-bit integer range."));
        } else if (node.isFloatingPointNumber() && node.isDouble() && !Double.isFinite(node.doubleValue())) {
            errors.add(new FieldError(path, ErrorCodes.INVALID, "Not a finite number."));
        }
    }

    /**
     * Why {@code text} cannot be accepted anywhere (a query parameter, a form field, a JSON string), or null:
     * a NUL character or an unpaired surrogate.
     */
    public static String problemIn(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "contains a NUL character";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate (not a character)";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate (not a character)";
            }
        }
        return null;
    }

    /**
     * The integer at {@code node}, if it is one within {@code min..max}; else a field error on {@code field}
     * and null. Any JSON number is safe to pass: one that is not whole, or beyond 64 bits, is simply out of
     * range.
     */
    public static Long integer(JsonNode node, String field, long min, long max, List<FieldError> errors) {
        if (node == null || !node.isIntegralNumber()) {
            errors.add(new FieldError(field, ErrorCodes.INVALID, "Must be a whole number."));
            return null;
        }
        if (!node.canConvertToLong()) {
            boolean low = node.bigIntegerValue().signum() < 0;
            errors.add(outOfRange(field, low, min, max));
            return null;
        }
        return within(node.longValue(), field, min, max, errors);
    }

    /**
     * {@code value} if it is within {@code min..max}; else a field error on {@code field}, as {@link #integer}
     * reports one, and null. For a whole number bound before its range is known to the route.
     */
    public static Long within(long value, String field, long min, long max, List<FieldError> errors) {
        if (value < min || value > max) {
            errors.add(outOfRange(field, value < min, min, max));
            return null;
        }
        return value;
    }

    private static FieldError outOfRange(String field, boolean low, long min, long max) {
        return new FieldError(
                field,
                low ? ErrorCodes.TOO_SMALL : ErrorCodes.TOO_LARGE,
                "Must be between " + min + " and " + max + ".");
    }
}
