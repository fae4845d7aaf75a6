package io.hostplane.api.system;

import io.hostplane.common.envelope.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Binds a request body to its record, field by field: each reader ({@code DnsRecordBody.read}) takes the
 * members it knows from one JSON object and reports every member of the wrong type under its path
 * ({@code changes[1].record.ttl}) with the code and message the route gives it, then goes on, so that one
 * 400 lists every problem. Members it does not read are ignored.
 *
 * <p>A body record binds through a delegating {@code @JsonCreator} that calls {@link #bind}; the request
 * decoder ({@link RequestJsonCodec}) has already held the body to {@link RequestJson}'s rules, so a reader
 * never sees a body that is not an object, a NUL character or an integer beyond 64 bits. The fields of a
 * nested object or of an array's items are read with {@link #at} and {@link #list}, which extend the path.
 */
public final class RequestFields {

    private final JsonNode node;
    private final String path;
    private final List<FieldError> errors;

    private RequestFields(JsonNode node, String path, List<FieldError> errors) {
        this.node = node;
        this.path = path;
        this.errors = errors;
    }

    /**
     * The record {@code reader} makes of {@code body}; a 400 listing each problem if it reported any, with the
     * route's {@code message}.
     *
     * @throws ApiException 400 with the problems
     */
    public static <T> T bind(JsonNode body, String message, Function<RequestFields, T> reader) {
        List<FieldError> errors = new ArrayList<>();
        T value = reader.apply(new RequestFields(body, null, errors));
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(message, errors);
        }
        return value;
    }

    /**
     * Fields of {@code node} at {@code path} (null at the root) that report into {@code errors}, for a route
     * that lists binding problems together with its own checks.
     */
    public static RequestFields of(JsonNode node, String path, List<FieldError> errors) {
        return new RequestFields(node, path, errors);
    }

    /** The path of member {@code name} ({@code name} at the root, {@code rate_limit.limit} below it). */
    public String path(String name) {
        return path == null ? name : path + "." + name;
    }

    /**
     * The fields of member {@code name}, whatever it is (absent, or not an object, it has no members: see
     * {@link #isObject}), at its path.
     */
    public RequestFields at(String name) {
        return new RequestFields(value(name), path(name), errors);
    }

    /**
     * These fields, reporting into {@code errors} instead: for a part of a body whose problems a route weighs
     * apart from the others' (one change of a batch).
     */
    public RequestFields reportingTo(List<FieldError> errors) {
        return new RequestFields(node, path, errors);
    }

    /** Whether this is a JSON object (an array's item may be anything). */
    public boolean isObject() {
        return node != null && node.isObject();
    }

    /** The names of this object's members, in order; none for anything else. */
    public List<String> names() {
        return node == null || !node.isObject() ? List.of() : List.copyOf(node.propertyNames());
    }

    /** This value (an array's item) if it is a string, else null. */
    public String stringValue() {
        return node != null && node.isString() ? node.asString() : null;
    }

    /** This value as JSON text, for a message that quotes it. */
    public String json() {
        return String.valueOf(node);
    }

    /** Whether member {@code name} is given, even as null. */
    public boolean has(String name) {
        return value(name) != null;
    }

    /** Whether member {@code name} is given and not null. */
    public boolean given(String name) {
        JsonNode value = value(name);
        return value != null && !value.isNull();
    }

    /** Reports a problem with member {@code name}. */
    public void reject(String name, String code, String message) {
        errors.add(new FieldError(path(name), code, message));
    }

    /** Reports a problem with this object itself (at the root: a null field). */
    public void rejectThis(String code, String message) {
        errors.add(new FieldError(path, code, message));
    }

    /** How many problems have been reported for this body so far, here or elsewhere. */
    public int problems() {
        return errors.size();
    }

    /** Member {@code name} as a string; null if absent or null, and if not a string, reported as given. */
    public String text(String name, String code, String message) {
        JsonNode value = value(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            reject(name, code, message);
            return null;
        }
        return value.asString();
    }

    /**
     * Member {@code name} if it is a string, else null, with nothing reported: for a member whose other types
     * the route judges, as it may depend on who asks.
     */
    public String textOrNull(String name) {
        JsonNode value = value(name);
        return value != null && value.isString() ? value.asString() : null;
    }

    /**
     * Member {@code name} as a string, which the body must give: absent, null or not a string is one problem,
     * reported as given, and null.
     */
    public String requiredText(String name, String code, String message) {
        JsonNode value = value(name);
        if (value == null || !value.isString()) {
            reject(name, code, message);
            return null;
        }
        return value.asString();
    }

    /**
     * Member {@code name} as a 32-bit integer; null if absent or null, and if not a whole number within 32
     * bits, reported as given.
     */
    public Integer int32(String name, String code, String message) {
        JsonNode value = value(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            reject(name, code, message);
            return null;
        }
        return value.intValue();
    }

    /**
     * Member {@code name} as a whole number within {@code min..max}; null if absent or null, and if not one,
     * reported as {@link RequestJson#integer} does.
     */
    public Long integer(String name, long min, long max) {
        JsonNode value = value(name);
        if (value == null || value.isNull()) {
            return null;
        }
        return RequestJson.integer(value, path(name), min, max, errors);
    }

    /**
     * Member {@code name} as a whole number within {@code min..max}, which the body must give: absent or null
     * is reported as {@link RequestJson#integer} reports a value that is not a whole number.
     */
    public Long requiredInteger(String name, long min, long max) {
        return RequestJson.integer(value(name), path(name), min, max, errors);
    }

    /**
     * What {@code reader} makes of each item of member {@code name}, an array of {@code min..max} items, in
     * order (each item read at {@code name[i]}, whatever its type); null if absent or null, and if not such an
     * array, reported as given (and no item read).
     */
    public <T> List<T> list(
            String name, int min, int max, String code, String message, Function<RequestFields, T> reader) {
        JsonNode value = value(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray() || value.size() < min || value.size() > max) {
            reject(name, code, message);
            return null;
        }
        List<T> items = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            items.add(reader.apply(new RequestFields(value.get(i), path(name) + "[" + i + "]", errors)));
        }
        return items;
    }

    /**
     * Member {@code name} as a list of strings; null if absent or null. Not an array is reported as given; an
     * item that is not a string at {@code name[i]} with {@code code} and {@code itemMessage}.
     */
    public List<String> texts(String name, String code, String message, String itemMessage) {
        JsonNode value = value(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            reject(name, code, message);
            return null;
        }
        List<String> items = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (item.isString()) {
                items.add(item.asString());
            } else {
                errors.add(new FieldError(path(name) + "[" + i + "]", code, itemMessage));
            }
        }
        return items;
    }

    private JsonNode value(String name) {
        return node == null || !node.isObject() ? null : node.get(name);
    }
}
