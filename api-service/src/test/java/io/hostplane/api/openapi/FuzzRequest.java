package io.hostplane.api.openapi;

import io.hostplane.api.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request of {@link OpenApiFuzzTest} while it is being built and mutated: the operation's path with its
 * variables, the query and headers as they go on the wire (already percent-encoded, or deliberately not), and
 * a body that is a JSON tree (where a value may be replaced by raw bytes that no JSON library would write), a
 * form, or plain bytes.
 */
final class FuzzRequest {

    /** Marks a JSON value that {@link #raw} replaces when the body is written. */
    private static final String RAW_MARK = "@@fuzz-raw-";

    final String method;
    final String pathTemplate;
    final Map<String, String> path = new LinkedHashMap<>();
    final List<String[]> query = new ArrayList<>();
    final List<String[]> headers = new ArrayList<>();
    String contentType;
    JsonNode json;
    final Map<String, byte[]> raw = new HashMap<>();
    List<String[]> form;
    byte[] bytes;

    FuzzRequest(String method, String pathTemplate) {
        this.method = method;
        this.pathTemplate = pathTemplate;
    }

    FuzzRequest copy() {
        FuzzRequest c = new FuzzRequest(method, pathTemplate);
        c.path.putAll(path);
        query.forEach(q -> c.query.add(q.clone()));
        headers.forEach(h -> c.headers.add(h.clone()));
        c.contentType = contentType;
        c.json = json == null ? null : json.deepCopy();
        c.raw.putAll(raw);
        if (form != null) {
            c.form = new ArrayList<>();
            form.forEach(f -> c.form.add(f.clone()));
        }
        c.bytes = bytes;
        return c;
    }

    /** A JSON value that is written as exactly {@code bytes}; put it where the tree should hold them. */
    String rawValue(byte[] value) {
        String mark = RAW_MARK + raw.size();
        raw.put(mark, value);
        return mark;
    }

    /** Drops the body: no {@code Content-Length}, no {@code Content-Type}. */
    void noBody() {
        json = null;
        raw.clear();
        form = null;
        bytes = null;
        contentType = null;
    }

    /** The body as it is sent; null for none. */
    byte[] body(JsonMapper mapper) {
        if (json != null) {
            byte[] written = mapper.writeValueAsBytes(json);
            return raw.isEmpty() ? written : splice(written, mapper);
        }
        if (form != null) {
            StringBuilder b = new StringBuilder();
            for (String[] field : form) {
                if (b.length() > 0) {
                    b.append('&');
                }
                b.append(field[0]).append('=').append(field[1]);
            }
            return b.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
        return bytes;
    }

    /** Replaces each marked string (with its quotes) by its raw bytes. */
    private byte[] splice(byte[] written, JsonMapper mapper) {
        byte[] out = written;
        for (Map.Entry<String, byte[]> r : raw.entrySet()) {
            byte[] quoted = mapper.writeValueAsBytes(r.getKey());
            out = replace(out, quoted, r.getValue());
        }
        return out;
    }

    private static byte[] replace(byte[] in, byte[] what, byte[] with) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + with.length);
        int i = 0;
        while (i < in.length) {
            if (startsWith(in, i, what)) {
                out.write(with, 0, with.length);
                i += what.length;
            } else {
                out.write(in[i++]);
            }
        }
        return out.toByteArray();
    }

    private static boolean startsWith(byte[] in, int at, byte[] what) {
        if (at + what.length > in.length) {
            return false;
        }
        for (int j = 0; j < what.length; j++) {
            if (in[at + j] != what[j]) {
                return false;
            }
        }
        return true;
    }

    String target() {
        String p = pathTemplate;
        for (Map.Entry<String, String> v : path.entrySet()) {
            p = p.replace("{" + v.getKey() + "}", v.getValue());
        }
        if (query.isEmpty()) {
            return p;
        }
        StringBuilder q = new StringBuilder(p).append('?');
        for (int i = 0; i < query.size(); i++) {
            q.append(i == 0 ? "" : "&").append(query.get(i)[0]).append('=').append(query.get(i)[1]);
        }
        return q.toString();
    }

    RawHttp.Request toRaw(JsonMapper mapper) {
        List<Map.Entry<String, String>> h = new ArrayList<>();
        headers.forEach(x -> h.add(Map.entry(x[0], x[1])));
        if (contentType != null) {
            h.add(Map.entry("Content-Type", contentType));
        }
        return new RawHttp.Request(method, target(), h, body(mapper));
    }
}
