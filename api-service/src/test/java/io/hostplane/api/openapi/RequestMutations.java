package io.hostplane.api.openapi;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The mutations of a valid request that {@link OpenApiFuzzTest} sends: per field of the JSON body wrong types,
 * numbers out of every range, strings with NUL, lone surrogates (escaped, and as raw bytes that are not UTF-8),
 * control characters, 100k characters; missing and unknown fields; bodies that are not objects, empty or not
 * JSON; content types the operation does not take; and the same kinds of values in forms, query parameters, path
 * variables and documented headers.
 *
 * <p>Each mutation says whether the document makes the mutated request invalid, and why: a wrong type, a value
 * outside {@code minimum}/{@code maximum}/{@code maxLength}/{@code enum}/{@code pattern}/{@code format}, a
 * missing required field, an unknown field where {@code additionalProperties} is false, an undocumented content
 * type, or bytes that are not JSON, not UTF-8 or not percent-encoding; any path variable that is not the real
 * resource's. Such a request must not be answered 2xx. Nothing else is expected of any route. Three things the
 * document does not strictly allow are not held against the API, as clients commonly send them meaning "absent"
 * or the document gives them no meaning: {@code null} for an optional field, an empty optional query parameter or
 * header, and a scalar query parameter sent twice.
 */
final class RequestMutations {

    private RequestMutations() {}

    /**
     * A change to the valid request; {@code invalid} is why the document makes the result invalid, null when it
     * does not (the answer may then be anything but a 5xx).
     */
    record Mutation(String kind, String description, String invalid, Consumer<FuzzRequest> apply) {}

    static final int HUGE = 100_000;
    private static final BigInteger INT32_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger INT32_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT64_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);

    /** A JSON string value: its bytes in the body and the string a parser would see (null: not JSON at all). */
    private record JsonString(String kind, String label, byte[] bytes, String decoded) {}

    /** A JSON number (or a value in its place): its text and its value (null: no number, see {@code why}). */
    private record JsonNumber(String label, String text, BigDecimal value, String why) {}

    private static final List<JsonString> STRINGS = List.of(
            escaped("body.string.nul", "\"a\\u0000b\"", "a\u0000b"),
            escaped("body.string.nul", "\"\\u0000\"", "\u0000"),
            escaped("body.string.surrogate-escape", "\"\\ud800\"", "\ud800"),
            escaped("body.string.surrogate-escape", "\"x\\udc00y\"", "x\udc00y"),
            raw("body.string.invalid-utf8", "ED A0 80 (a surrogate in UTF-8)", new byte[] {
                (byte) 0xED, (byte) 0xA0, (byte) 0x80
            }),
            raw("body.string.invalid-utf8", "FF", new byte[] {(byte) 0xFF}),
            raw("body.string.invalid-utf8", "C0 80 (overlong NUL)", new byte[] {(byte) 0xC0, (byte) 0x80}),
            escaped("body.string.control", "\"a\\u0001b\"", "a\u0001b"),
            escaped("body.string.control", "\"a\\nb\\r\\n\"", "a\nb\r\n"),
            escaped("body.string.control", "\"a\\u007f\\u009fb\"", "a\u007f\u009fb"),
            raw("body.string.raw-control", "a raw 01 byte (not allowed unescaped in JSON)", new byte[] {0x01}),
            new JsonString(
                    "body.string.huge",
                    "100k characters",
                    ("\"" + "a".repeat(HUGE) + "\"").getBytes(StandardCharsets.US_ASCII),
                    "a".repeat(HUGE)),
            escaped("body.string.empty", "\"\"", ""),
            escaped("body.string.empty", "\"   \"", "   "));

    private static final List<JsonNumber> NUMBERS = List.of(
            number("-1"),
            number("0"),
            number("2147483648"),
            number("9223372036854775808"),
            number("-9223372036854775809"),
            number("1000000000000000000000000000000"),
            number("1e400"),
            number("-0.0"),
            number("1.5"),
            new JsonNumber("\"NaN\"", "\"NaN\"", null, "a string where a number belongs"),
            new JsonNumber("NaN", "NaN", null, "not JSON (NaN is no JSON number)"));

    /** One value of each JSON type, for the types a field does not take. */
    private static final List<String[]> TYPES = List.of(
            new String[] {"string", "\"x\""},
            new String[] {"integer", "7"},
            new String[] {"boolean", "true"},
            new String[] {"null", "null"},
            new String[] {"array", "[]"},
            new String[] {"object", "{}"});

    private static JsonString escaped(String kind, String json, String decoded) {
        return new JsonString(kind, json, json.getBytes(StandardCharsets.US_ASCII), decoded);
    }

    private static JsonString raw(String kind, String label, byte[] inside) {
        byte[] bytes = new byte[inside.length + 4];
        bytes[0] = '"';
        bytes[1] = 'a';
        System.arraycopy(inside, 0, bytes, 2, inside.length);
        bytes[bytes.length - 2] = 'b';
        bytes[bytes.length - 1] = '"';
        return new JsonString(kind, "\"a<" + label + ">b\"", bytes, null);
    }

    private static JsonNumber number(String text) {
        return new JsonNumber(text, text, new BigDecimal(text), null);
    }

    static List<Mutation> of(FuzzOperation op, FuzzRequest valid) {
        List<Mutation> all = new ArrayList<>();
        if (valid.json != null) {
            jsonBody(op, valid, all);
        } else if (valid.form != null) {
            formBody(op, valid, all);
        } else if (op.hasTextBody()) {
            textBody(op, all);
        } else if (!op.operation().method().equals("GET")) {
            unexpectedBody(all);
        }
        if (!op.bodyTypes().isEmpty()) {
            contentTypes(op, valid, all);
        }
        for (FuzzOperation.Param p : op.parameters("query")) {
            query(p, valid, all);
        }
        if (!op.parameters("query").isEmpty() || op.operation().method().equals("GET")) {
            all.add(new Mutation(
                    "query.unknown",
                    "an undocumented parameter fz_unknown=1",
                    null,
                    r -> r.query.add(new String[] {"fz_unknown", "1"})));
        }
        for (FuzzOperation.Param p : op.parameters("path")) {
            path(p, all);
        }
        for (FuzzOperation.Param p : op.parameters("header")) {
            header(p, all);
        }
        return all;
    }

    // ---------------------------------------------------------------------------------------------- JSON body

    /** A place in the JSON body: the pointer's tokens, the schema there, and whether the parent requires it. */
    private record Field(
            List<String> pointer, JsonNode schema, boolean required, JsonNode parentSchema, boolean present) {
        String path() {
            StringBuilder b = new StringBuilder();
            for (String t : pointer) {
                if (t.matches("\\d+")) {
                    b.append('[').append(t).append(']');
                } else {
                    b.append(b.length() == 0 ? "" : ".").append(t);
                }
            }
            return b.length() == 0 ? "(body)" : b.toString();
        }
    }

    private static void jsonBody(FuzzOperation op, FuzzRequest valid, List<Mutation> all) {
        List<Field> fields = new ArrayList<>();
        fields(op, op.bodySchema(), valid.json, List.of(), fields, 0);
        for (Field f : fields) {
            Set<String> types = types(f.schema());
            for (String[] type : TYPES) {
                if (types.isEmpty() || allows(types, type[0])) {
                    continue;
                }
                String invalid = type[0].equals("null") && !f.required()
                        ? null // An optional field sent as null is commonly read as absent: not held against the API.
                        : "a " + type[0] + " where the document wants " + types;
                all.add(new Mutation(
                        "body.type",
                        f.path() + " = " + type[1],
                        invalid,
                        r -> setRaw(r, f.pointer(), type[1].getBytes(StandardCharsets.US_ASCII))));
            }
            if (allows(types, "number") || allows(types, "integer")) {
                for (JsonNumber n : NUMBERS) {
                    all.add(new Mutation(
                            "body.number",
                            f.path() + " = " + n.label(),
                            numberInvalid(f.schema(), n),
                            r -> setRaw(r, f.pointer(), n.text().getBytes(StandardCharsets.US_ASCII))));
                }
            }
            if (allows(types, "string")) {
                for (JsonString s : STRINGS) {
                    all.add(new Mutation(
                            s.kind(),
                            f.path() + " = " + s.label(),
                            s.decoded() == null ? "not JSON in UTF-8" : stringInvalid(f.schema(), s.decoded()),
                            r -> setRaw(r, f.pointer(), s.bytes())));
                }
            }
            boolean element = f.pointer().get(f.pointer().size() - 1).matches("\\d+");
            if (f.present() && !element) {
                all.add(new Mutation(
                        "body.missing",
                        "without " + f.path(),
                        f.required() ? f.path() + " is required" : null,
                        r -> remove(r.json, f.pointer())));
            }
        }
        for (Field f : fields) {
            if (f.present() && f.schema().path("properties").isObject()) {
                boolean closed = f.schema().path("additionalProperties").isBoolean()
                        && !f.schema().path("additionalProperties").asBoolean();
                List<String> pointer = new ArrayList<>(f.pointer());
                pointer.add("fz_unknown");
                all.add(new Mutation(
                        "body.extra",
                        "an unknown field " + f.path() + ".fz_unknown = 1",
                        closed ? f.path() + " takes no other properties" : null,
                        r -> setRaw(r, pointer, "1".getBytes(StandardCharsets.US_ASCII))));
            }
        }
        boolean closed = op.bodySchema().path("additionalProperties").isBoolean()
                && !op.bodySchema().path("additionalProperties").asBoolean();
        all.add(new Mutation(
                "body.extra",
                "an unknown top-level field fz_unknown = {\"a\":[1]}",
                closed ? "the body takes no other properties" : null,
                r -> setRaw(r, List.of("fz_unknown"), "{\"a\":[1]}".getBytes(StandardCharsets.US_ASCII))));
        String notObject = "the body must be an object";
        for (String body : List.of("\"x\"", "[]", "1", "null", "true", "1e400", "[{}]")) {
            all.add(new Mutation("body.not-object", "the body " + body, notObject, r -> replaceBody(r, utf8(body))));
        }
        all.add(new Mutation(
                "body.not-object",
                "the valid body inside an array",
                notObject,
                r -> replaceBody(r, concat(utf8("["), r.body(OpenApiFuzzTest.JSON), utf8("]")))));
        all.add(new Mutation(
                "body.empty",
                "an empty body (Content-Length: 0) as application/json",
                op.bodyRequired() ? "a body is required" : null,
                r -> replaceBody(r, new byte[0])));
        all.add(new Mutation(
                "body.empty",
                "no body at all, Content-Type application/json",
                op.bodyRequired() ? "a body is required" : null,
                r -> {
                    replaceBody(r, null);
                    r.bytes = null;
                }));
        for (String body : List.of("{", "{\"a\":}", "{'a':1}", "NaN", "{\"a\":1,}", "\u0000")) {
            all.add(new Mutation(
                    "body.malformed", "the body " + printable(body), "not JSON", r -> replaceBody(r, utf8(body))));
        }
        all.add(new Mutation(
                "body.malformed",
                "the valid body followed by x",
                "not JSON",
                r -> replaceBody(r, concat(r.body(OpenApiFuzzTest.JSON), utf8("x")))));
        all.add(new Mutation(
                "body.malformed",
                "arrays nested 50,000 deep",
                "not an object",
                r -> replaceBody(r, utf8("[".repeat(50_000) + "]".repeat(50_000)))));
        all.add(new Mutation(
                "body.bom",
                "the valid body after a UTF-8 byte order mark",
                null,
                r -> replaceBody(
                        r, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, r.body(OpenApiFuzzTest.JSON)))));
    }

    /** The fields of the body (depth first, four levels at most): those present and those the schema adds. */
    private static void fields(
            FuzzOperation op, JsonNode schema, JsonNode node, List<String> pointer, List<Field> out, int depth) {
        if (depth > 4 || schema == null) {
            return;
        }
        JsonNode s = op.resolve(schema);
        if (s.path("properties").isObject()) {
            Set<String> required = new java.util.TreeSet<>();
            s.path("required").forEach(r -> required.add(r.asString()));
            for (String name : s.path("properties").propertyNames()) {
                JsonNode child = op.resolve(s.path("properties").path(name));
                List<String> at = new ArrayList<>(pointer);
                at.add(name);
                boolean present = node != null && node.has(name);
                out.add(new Field(at, child, required.contains(name), s, present));
                if (present) {
                    fields(op, child, node.get(name), at, out, depth + 1);
                }
            }
        } else if (s.has("items") && node != null && node.isArray() && !node.isEmpty()) {
            JsonNode items = op.resolve(s.path("items"));
            List<String> at = new ArrayList<>(pointer);
            at.add("0");
            out.add(new Field(at, items, true, s, true));
            fields(op, items, node.get(0), at, out, depth + 1);
        }
    }

    private static void setRaw(FuzzRequest r, List<String> pointer, byte[] value) {
        JsonNode parent = r.json;
        for (int i = 0; i < pointer.size() - 1; i++) {
            JsonNode next =
                    parent.isArray() ? parent.get(Integer.parseInt(pointer.get(i))) : parent.get(pointer.get(i));
            if (next == null) {
                next = ((ObjectNode) parent).putObject(pointer.get(i));
            }
            parent = next;
        }
        String last = pointer.get(pointer.size() - 1);
        String mark = r.rawValue(value);
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), array.stringNode(mark));
        } else {
            ((ObjectNode) parent).put(last, mark);
        }
    }

    static void remove(JsonNode root, List<String> pointer) {
        JsonNode parent = root;
        for (int i = 0; i < pointer.size() - 1 && parent != null; i++) {
            parent = parent.isArray() ? parent.get(Integer.parseInt(pointer.get(i))) : parent.get(pointer.get(i));
        }
        String last = pointer.get(pointer.size() - 1);
        if (parent instanceof ArrayNode array) {
            array.remove(Integer.parseInt(last));
        } else if (parent instanceof ObjectNode object) {
            object.remove(last);
        }
    }

    /** The whole body becomes {@code bytes} (null: no body), with the content type it had. */
    private static void replaceBody(FuzzRequest r, byte[] bytes) {
        String type = r.contentType;
        r.noBody();
        r.contentType = type;
        r.bytes = bytes;
    }

    // ---------------------------------------------------------------------------------------------- forms

    /** Form values, percent-encoded as sent (or deliberately badly): kind, value, and whether it decodes. */
    private static final List<String[]> FORM_VALUES = List.of(
            new String[] {"form.nul", "%00"},
            new String[] {"form.nul", "a%00b"},
            new String[] {"form.invalid-utf8", "%ED%A0%80"},
            new String[] {"form.invalid-utf8", "%FF"},
            new String[] {"form.invalid-utf8", "%C0%80"},
            new String[] {"form.control", "a%01b"},
            new String[] {"form.control", "a%0D%0Ab"},
            new String[] {"form.bad-encoding", "%ZZ"},
            new String[] {"form.bad-encoding", "a%"},
            new String[] {"form.huge", "a".repeat(HUGE)},
            new String[] {"form.empty", ""});

    private static void formBody(FuzzOperation op, FuzzRequest valid, List<Mutation> all) {
        Set<String> required = new java.util.TreeSet<>();
        op.bodySchema().path("required").forEach(r -> required.add(r.asString()));
        for (int i = 0; i < valid.form.size(); i++) {
            int at = i;
            String name = valid.form.get(i)[0];
            JsonNode schema = op.resolve(op.bodySchema().path("properties").path(name));
            for (String[] v : FORM_VALUES) {
                all.add(new Mutation(
                        v[0],
                        name + "=" + printable(v[1]),
                        queryInvalid(schema, List.of(v[1]), required.contains(name)),
                        r -> r.form.get(at)[1] = v[1]));
            }
            all.add(new Mutation(
                    "form.missing",
                    "without " + name,
                    required.contains(name) ? name + " is required" : null,
                    r -> r.form.remove(at)));
            all.add(new Mutation(
                    "form.repeated", name + " twice, the second x", null, r -> r.form.add(new String[] {name, "x"})));
        }
        all.add(new Mutation(
                "form.extra",
                "an unknown field fz_unknown=1",
                null,
                r -> r.form.add(new String[] {"fz_unknown", "1"})));
        String missing = required.isEmpty() ? null : "required fields " + required + " are missing";
        all.add(new Mutation("form.empty", "an empty body", missing, r -> {
            r.form = null;
            r.bytes = new byte[0];
        }));
        all.add(new Mutation("form.malformed", "the body &&&=%&=", missing, r -> {
            r.form = null;
            r.bytes = utf8("&&&=%&=");
        }));
        all.add(new Mutation("form.malformed", "a JSON object as the form", missing, r -> {
            r.form = null;
            r.bytes = utf8("{\"a\":1}");
        }));
    }

    // ---------------------------------------------------------------------------------------------- text body

    private static void textBody(FuzzOperation op, List<Mutation> all) {
        String line = "www 300 IN A 192.0.2.7\n";
        Object[][] bodies = {
            {"text.nul", "a NUL in a name", concat(utf8("a"), new byte[] {0}, utf8("b 300 IN A 192.0.2.7\n"))},
            {
                "text.invalid-utf8",
                "ED A0 80 in a name",
                concat(utf8("a"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("b 300 IN TXT x\n"))
            },
            {
                "text.invalid-utf8",
                "FF in TXT content",
                concat(utf8("www 300 IN TXT \"a"), new byte[] {(byte) 0xFF}, utf8("\"\n"))
            },
            {"text.control", "control characters in a name", utf8("a\u0001\u001bb 300 IN A 192.0.2.7\n")},
            {"text.huge", "one line of 100k characters", utf8("www 300 IN TXT \"" + "a".repeat(HUGE) + "\"\n")},
            {"text.huge", "2,000 records", utf8(many(2000))},
            {"text.empty", "an empty body", new byte[0]},
            {"text.malformed", "garbage", utf8("}{ \\\" ;; $$$\n")},
            {"text.malformed", "$INCLUDE of a local file", utf8("$INCLUDE /etc/passwd\n" + line)},
            {"text.malformed", "a JSON object", utf8("{\"name\":\"www\",\"type\":\"A\",\"content\":\"192.0.2.7\"}")},
        };
        for (Object[] b : bodies) {
            byte[] bytes = (byte[]) b[2];
            all.add(new Mutation((String) b[0], (String) b[1], null, r -> r.bytes = bytes));
        }
    }

    private static String many(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("h")
                    .append(i)
                    .append(" 300 IN A 192.0.2.")
                    .append(i % 250 + 1)
                    .append('\n');
        }
        return b.toString();
    }

    private static void unexpectedBody(List<Mutation> all) {
        all.add(new Mutation("unexpected-body", "a JSON object where the operation takes no body", null, r -> {
            r.contentType = "application/json";
            r.bytes = utf8("{\"fz\":1}");
        }));
        all.add(new Mutation("unexpected-body", "bytes that are not UTF-8 as text/plain", null, r -> {
            r.contentType = "text/plain";
            r.bytes = new byte[] {0, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        }));
    }

    // ---------------------------------------------------------------------------------------------- content types

    private static void contentTypes(FuzzOperation op, FuzzRequest valid, List<Mutation> all) {
        List<String> types = new ArrayList<>(List.of(
                "text/plain",
                "application/xml",
                "application/octet-stream",
                "application/x-www-form-urlencoded",
                "application/json",
                "multipart/form-data; boundary=fz",
                "garbage",
                "application/json; charset=UTF-16"));
        types.removeIf(t -> op.bodyTypes().contains(t));
        types.add(null);
        for (String type : types) {
            boolean documented = type != null
                    && op.bodyTypes().stream()
                            .anyMatch(d -> type.toLowerCase(Locale.ROOT).startsWith(d + ";"));
            all.add(new Mutation(
                    "content-type",
                    type == null ? "the valid body without Content-Type" : "the valid body as " + type,
                    documented ? null : "the operation takes " + op.bodyTypes(),
                    r -> {
                        byte[] body = r.body(OpenApiFuzzTest.JSON);
                        r.noBody();
                        r.contentType = type;
                        r.bytes = type != null && type.startsWith("multipart/")
                                ? concat(
                                        utf8("--fz\r\nContent-Disposition: form-data; name=\"body\"\r\n"
                                                + "Content-Type: "
                                                + op.bodyTypes().get(0) + "\r\n\r\n"),
                                        body,
                                        utf8("\r\n--fz--\r\n"))
                                : body;
                    }));
        }
    }

    // ---------------------------------------------------------------------------------------------- query

    private static final List<String[]> QUERY_VALUES = List.of(
            new String[] {"query.nul", "%00"},
            new String[] {"query.nul", "a%00b"},
            new String[] {"query.invalid-utf8", "%ED%A0%80"},
            new String[] {"query.invalid-utf8", "%FF"},
            new String[] {"query.invalid-utf8", "%C0%80"},
            new String[] {"query.control", "a%01b"},
            new String[] {"query.control", "a%0D%0Ab"},
            new String[] {"query.bad-encoding", "%ZZ"},
            new String[] {"query.bad-encoding", "a%"},
            new String[] {"query.long", "a".repeat(4_000)},
            new String[] {"query.huge", "a".repeat(HUGE)},
            new String[] {"query.empty", ""});

    private static final List<String> QUERY_NUMBERS = List.of(
            "-1",
            "0",
            "2147483648",
            "9223372036854775808",
            "1000000000000000000000000000000",
            "1e400",
            "-0.0",
            "NaN",
            "1.5",
            "abc");

    private static void query(FuzzOperation.Param p, FuzzRequest valid, List<Mutation> all) {
        List<String[]> values = new ArrayList<>(QUERY_VALUES);
        Set<String> types = types(p.schema());
        JsonNode item = p.schema().path("type").asString("").equals("array")
                ? p.schema().path("items")
                : p.schema();
        if (allows(types(item), "integer") || allows(types(item), "number")) {
            QUERY_NUMBERS.forEach(n -> values.add(new String[] {"query.number", n}));
        }
        if (item.has("enum") || item.path("format").asString("").equals("date-time")) {
            values.add(new String[] {"query.value", "nope"});
        }
        for (String[] v : values) {
            all.add(new Mutation(
                    v[0],
                    p.name() + "=" + printable(v[1]),
                    queryInvalid(p.schema(), List.of(v[1]), p.required()),
                    r -> {
                        r.query.removeIf(q -> q[0].equals(p.name()));
                        r.query.add(new String[] {p.name(), v[1]});
                    }));
        }
        String current = valid.query.stream()
                .filter(q -> q[0].equals(p.name()))
                .map(q -> q[1])
                .findFirst()
                .orElse("x");
        all.add(new Mutation(
                "query.repeated",
                p.name() + " twice",
                // The document gives no meaning to a scalar parameter sent twice: whatever the API makes of it is
                // not held against it.
                types.contains("array") ? queryInvalid(p.schema(), List.of(current, current), p.required()) : null,
                r -> {
                    r.query.removeIf(q -> q[0].equals(p.name()));
                    r.query.add(new String[] {p.name(), current});
                    r.query.add(new String[] {p.name(), current});
                }));
    }

    /** Why these raw (percent-encoded) values of a parameter or form field are invalid per its schema; or null. */
    static String queryInvalid(JsonNode schema, List<String> rawValues, boolean required) {
        boolean array = schema.path("type").asString("").equals("array");
        JsonNode item = array ? schema.path("items") : schema;
        if (!required && rawValues.size() == 1 && rawValues.get(0).isEmpty()) {
            return null; // an optional parameter sent empty is commonly read as absent: not held against the API
        }
        for (String rawValue : rawValues) {
            String value = percentDecode(rawValue);
            if (value == null) {
                return "not percent-encoded UTF-8";
            }
            String why = textInvalid(item, value);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** A value given as text (query, form, header) against a scalar schema. */
    private static String textInvalid(JsonNode schema, String value) {
        Set<String> types = types(schema);
        if (types.contains("integer") || types.contains("number")) {
            if (!value.matches("-?\\d+") && !(types.contains("number") && value.matches("-?\\d+(\\.\\d+)?"))) {
                return "not a number";
            }
            return numberInvalid(schema, new JsonNumber(value, value, new BigDecimal(value), null));
        }
        return stringInvalid(schema, value);
    }

    // ---------------------------------------------------------------------------------------------- path

    private static final List<String[]> PATH_VALUES = List.of(
            new String[] {"path.nul", "%00"},
            new String[] {"path.nul", "a%00b"},
            new String[] {"path.traversal", ".."},
            new String[] {"path.traversal", "%2e%2e"},
            new String[] {"path.traversal", "..%2F..%2Fetc%2Fpasswd"},
            new String[] {"path.traversal", "a%2Fb"},
            new String[] {"path.invalid-utf8", "%ED%A0%80"},
            new String[] {"path.invalid-utf8", "%FF"},
            new String[] {"path.bad-encoding", "%ZZ"},
            new String[] {"path.control", "a%0Ab"},
            new String[] {"path.control", "a%01b"},
            new String[] {"path.space", "a%20b"},
            new String[] {"path.long", "a".repeat(5_000)},
            new String[] {"path.huge", "a".repeat(HUGE)},
            new String[] {"path.empty", ""});

    private static void path(FuzzOperation.Param p, List<Mutation> all) {
        for (String[] v : PATH_VALUES) {
            all.add(new Mutation(
                    v[0],
                    "{" + p.name() + "} = " + printable(v[1]),
                    "no resource has this " + p.name(),
                    r -> r.path.put(p.name(), v[1])));
        }
    }

    // ---------------------------------------------------------------------------------------------- headers

    private static void header(FuzzOperation.Param p, List<Mutation> all) {
        String[][] values = {
            {"header.long", "x".repeat(300)},
            {"header.huge", "x".repeat(10_000)},
            {"header.empty", ""},
            {"header.control", "a\u0001b"},
            {"header.obs-text", "a\u00ff\u00e9b"},
            {"header.value", "not a uri"},
            {"header.value", "javascript:alert(1)"},
        };
        for (String[] v : values) {
            String why = v[0].equals("header.control")
                    ? "control characters are not allowed in a field value"
                    : v[0].equals("header.obs-text") || (v[1].isEmpty() && !p.required())
                            ? null // obs-text is allowed; an optional header sent empty is read as absent
                            : stringInvalid(p.schema(), v[1]);
            all.add(new Mutation(v[0], p.name() + ": " + printable(v[1]), why, r -> {
                r.headers.removeIf(h -> h[0].equalsIgnoreCase(p.name()));
                r.headers.add(new String[] {p.name(), v[1]});
            }));
        }
    }

    // ---------------------------------------------------------------------------------------------- schemas

    static Set<String> types(JsonNode schema) {
        Set<String> types = new java.util.TreeSet<>();
        JsonNode type = schema.path("type");
        if (type.isString()) {
            types.add(type.asString());
        } else if (type.isArray()) {
            type.forEach(t -> types.add(t.asString()));
        } else if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
            schema.path("enum").forEach(e -> types.add(e.isString() ? "string" : e.isNumber() ? "number" : "other"));
        }
        return types;
    }

    private static boolean allows(Set<String> types, String type) {
        return types.contains(type) || (type.equals("integer") && types.contains("number"));
    }

    private static String numberInvalid(JsonNode schema, JsonNumber n) {
        Set<String> types = types(schema);
        if (n.value() == null) {
            return n.why();
        }
        if (!types.isEmpty() && !allows(types, "number") && !allows(types, "integer")) {
            return "a number where the document wants " + types;
        }
        BigDecimal v = n.value();
        boolean integral = v.signum() == 0 || v.stripTrailingZeros().scale() <= 0;
        if (types.contains("integer") && !types.contains("number") && !integral) {
            return "not an integer";
        }
        if (schema.has("minimum") && v.compareTo(schema.path("minimum").decimalValue()) < 0) {
            return "below the minimum " + schema.path("minimum");
        }
        if (schema.has("maximum") && v.compareTo(schema.path("maximum").decimalValue()) > 0) {
            return "above the maximum " + schema.path("maximum");
        }
        String format = schema.path("format").asString("");
        if (integral && (format.equals("int32") || format.equals("int64"))) {
            BigInteger i = v.toBigInteger();
            boolean int32 = format.equals("int32");
            if (i.compareTo(int32 ? INT32_MAX : INT64_MAX) > 0 || i.compareTo(int32 ? INT32_MIN : INT64_MIN) < 0) {
                return "outside " + format;
            }
        }
        return null;
    }

    private static final Pattern UUID_FORMAT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    static String stringInvalid(JsonNode schema, String value) {
        Set<String> types = types(schema);
        if (!types.isEmpty() && !types.contains("string")) {
            return "a string where the document wants " + types;
        }
        if (schema.path("enum").isArray()) {
            boolean listed = false;
            for (JsonNode e : schema.path("enum")) {
                listed |= e.isString() && e.asString().equals(value);
            }
            if (!listed) {
                return "not one of " + schema.path("enum");
            }
        }
        int length = value.codePointCount(0, value.length());
        if (schema.has("maxLength") && length > schema.path("maxLength").asInt()) {
            return "longer than maxLength " + schema.path("maxLength");
        }
        if (schema.has("minLength") && length < schema.path("minLength").asInt()) {
            return "shorter than minLength " + schema.path("minLength");
        }
        if (schema.has("pattern")
                && !Pattern.compile(schema.path("pattern").asString())
                        .matcher(value)
                        .find()) {
            return "does not match " + schema.path("pattern").asString();
        }
        switch (schema.path("format").asString("")) {
            case "date-time" -> {
                try {
                    OffsetDateTime.parse(value);
                } catch (RuntimeException e) {
                    return "not a date-time";
                }
            }
            case "uuid" -> {
                if (!UUID_FORMAT.matcher(value).matches()) {
                    return "not a uuid";
                }
            }
            case "uri" -> {
                try {
                    if (!new URI(value).isAbsolute()) {
                        return "not an absolute URI";
                    }
                } catch (Exception e) {
                    return "not a URI";
                }
            }
            default -> {}
        }
        return null;
    }

    /** Strict percent-decoding as UTF-8 ({@code +} is a space); null if the text is not that. */
    static String percentDecode(String raw) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                try {
                    bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                } catch (RuntimeException e) {
                    return null;
                }
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------- bytes

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            if (p != null) {
                out.writeBytes(p);
            }
        }
        return out.toByteArray();
    }

    /** For reports: control characters shown as escapes, values over 60 characters shortened. */
    static String printable(String s) {
        return printable(s, 60);
    }

    /** For reports: control characters shown as escapes, at most {@code max} characters of {@code s}. */
    static String printable(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            b.append(
                    c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c)
                            ? String.format(Locale.ROOT, "\\u%04x", (int) c)
                            : String.valueOf(c));
        }
        return s.length() > max ? b + "… (" + s.length() + " chars)" : b.toString();
    }
}
