package io.hostplane.common.audit;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One link of an audit hash chain: a Kafka record of one {@code (topic, partition)}, either a stored event or
 * a quarantined record. Its hash is SHA-256 over the UTF-8 bytes of (format v2, written for every new link)
 *
 * <pre>
 * hostplane.audit.link.v2 LF topic LF partition LF offset LF kind LF hex(prev_hash) LF hex(SHA-256(payload))
 * </pre>
 *
 * or, for links stored before v2 existed (format v1),
 *
 * <pre>
 * hostplane.audit.link.v1 LF topic LF partition LF offset LF kind LF hex(prev_hash) LF payload
 * </pre>
 *
 * where {@code kind} is {@code event} (payload: the event's canonical JSON, see {@link #canonicalJson}) or
 * {@code quarantine} (payload: base64 of the record's bytes, {@code -} for a null value). A link's format is not
 * stored: it is the one whose hash matches the stored hash ({@link #version}). v2 lets a link be checked from its
 * payload's digest alone, without the payload (a proof export's stub). Nothing the store adds by itself (sequence
 * numbers, {@code stored_at}) is hashed, so a rebuild from the topics reproduces the hashes.
 */
public final class ChainLink {

    public static final String EVENT = "event";
    public static final String QUARANTINE = "quarantine";
    /** The previous hash of a chain's first link: 32 zero bytes. */
    public static final byte[] GENESIS = new byte[32];
    /** Link format v1: the payload itself is hashed after the header. */
    public static final int V1 = 1;
    /** Link format v2: the payload's SHA-256 (hex) is hashed after the header. */
    public static final int V2 = 2;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private ChainLink() {}

    /** The v1 hash of an event link; {@code eventJson} is the event as consumed (or as stored, which is equal). */
    public static byte[] eventHash(String topic, int partition, long offset, byte[] prevHash, String eventJson) {
        return hash(topic, partition, offset, EVENT, prevHash, canonicalJson(eventJson));
    }

    /** {@link #eventHash} for an event whose canonical JSON the caller already has (it parsed the event once). */
    public static byte[] canonicalEventHash(
            String topic, int partition, long offset, byte[] prevHash, String canonicalEventJson) {
        return hash(topic, partition, offset, EVENT, prevHash, canonicalEventJson);
    }

    /** The v1 hash of a quarantined record's link; {@code raw} may be null (a record without a value). */
    public static byte[] quarantineHash(String topic, int partition, long offset, byte[] prevHash, byte[] raw) {
        return hash(topic, partition, offset, QUARANTINE, prevHash, quarantinePayload(raw));
    }

    /** The v2 hash of an event link; {@code eventJson} is the event as consumed (or as stored, which is equal). */
    public static byte[] eventHashV2(String topic, int partition, long offset, byte[] prevHash, String eventJson) {
        return canonicalEventHashV2(topic, partition, offset, prevHash, canonicalJson(eventJson));
    }

    /** {@link #eventHashV2} for an event whose canonical JSON the caller already has. */
    public static byte[] canonicalEventHashV2(
            String topic, int partition, long offset, byte[] prevHash, String canonicalEventJson) {
        return hashV2(topic, partition, offset, EVENT, prevHash, payloadDigest(canonicalEventJson));
    }

    /** The v2 hash of a quarantined record's link; {@code raw} may be null (a record without a value). */
    public static byte[] quarantineHashV2(String topic, int partition, long offset, byte[] prevHash, byte[] raw) {
        return hashV2(topic, partition, offset, QUARANTINE, prevHash, payloadDigest(quarantinePayload(raw)));
    }

    /**
     * The v2 hash of a link from its payload's digest ({@link #payloadDigest}) instead of its payload: what a
     * verifier computes for a link whose content it does not see.
     */
    public static byte[] hashV2(
            String topic, int partition, long offset, String kind, byte[] prevHash, byte[] payloadDigest) {
        HexFormat hex = HexFormat.of();
        String text = "hostplane.audit.link.v2\n" + topic + "\n" + partition + "\n" + offset + "\n" + kind + "\n"
                + hex.formatHex(prevHash) + "\n" + hex.formatHex(payloadDigest);
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 of a payload's UTF-8 bytes: an event's canonical JSON, or {@link #quarantinePayload}. */
    public static byte[] payloadDigest(String payload) {
        return sha256(payload.getBytes(StandardCharsets.UTF_8));
    }

    /** The payload of a quarantined record's link: base64 of its bytes, {@code -} for a null value. */
    public static String quarantinePayload(byte[] raw) {
        return raw == null ? "-" : Base64.getEncoder().encodeToString(raw);
    }

    /**
     * Which format a stored link is in: {@value #V2} or {@value #V1} when its stored hash is its hash in that
     * format, 0 when it is neither (the link was altered, or has no hash). v2 is tried first, as new links are v2.
     *
     * @param eventJson the event as stored, for an {@link #EVENT} link
     * @param raw the record's bytes, for a {@link #QUARANTINE} link (null: a record without a value)
     * @throws IllegalArgumentException if an event link's content is not JSON
     */
    public static int version(
            String topic,
            int partition,
            long offset,
            String kind,
            byte[] prevHash,
            byte[] hash,
            String eventJson,
            byte[] raw) {
        if (hash == null || prevHash == null) {
            return 0;
        }
        String payload = EVENT.equals(kind) ? canonicalJson(eventJson) : quarantinePayload(raw);
        if (Arrays.equals(hash, hashV2(topic, partition, offset, kind, prevHash, payloadDigest(payload)))) {
            return V2;
        }
        if (Arrays.equals(hash, hash(topic, partition, offset, kind, prevHash, payload))) {
            return V1;
        }
        return 0;
    }

    private static byte[] hash(String topic, int partition, long offset, String kind, byte[] prev, String payload) {
        String header = "hostplane.audit.link.v1\n" + topic + "\n" + partition + "\n" + offset + "\n" + kind + "\n"
                + HexFormat.of().formatHex(prev) + "\n";
        MessageDigest digest = sha256();
        digest.update(header.getBytes(StandardCharsets.UTF_8));
        return digest.digest(payload.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] sha256(byte[] bytes) {
        return sha256().digest(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The canonical JSON of a document: no whitespace; object members sorted by name (Java string order, i.e.
     * UTF-16 code units) with a repeated name keeping its last value; strings with only {@code "} {@code \}
     * and control characters escaped ({@code \b \f \n \r \t}, others {@code \}{@code u00xx}); integers in
     * decimal, other numbers in plain decimal notation with their scale kept ({@code 1.50}, {@code 1e2} →
     * {@code 100}). PostgreSQL's {@code jsonb} keeps exactly this information, so the stored event gives the
     * same text as the consumed one.
     *
     * @throws IllegalArgumentException if the text is not one JSON document
     */
    public static String canonicalJson(String json) {
        return canonicalJson(readTree(json));
    }

    /**
     * One JSON document as a tree, read the way the canonical form needs it (every number exact); the tree can
     * be given to {@link #canonicalJson(JsonNode)} and to other readers, so that a document is parsed once.
     *
     * @throws IllegalArgumentException if the text is not one JSON document
     */
    public static JsonNode readTree(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || node.isMissingNode()) {
            throw new IllegalArgumentException("not JSON: empty");
        }
        return node;
    }

    /** The canonical JSON (see {@link #canonicalJson(String)}) of a tree from {@link #readTree}. */
    public static String canonicalJson(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>(node.properties());
            members.sort(Map.Entry.comparingByKey());
            out.append('{');
            for (int i = 0; i < members.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(members.get(i).getKey(), out);
                out.append(':');
                write(members.get(i).getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isString()) {
            string(node.stringValue(), out);
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue().toString());
        } else if (node.isNumber()) {
            BigDecimal value = node.decimalValue();
            out.append(value.signum() == 0 ? value.abs().toPlainString() : value.toPlainString());
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else {
            out.append("null");
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        // Runs without a character to escape are copied whole (most strings have none).
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(s, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (run == 0) {
            out.append(s);
        } else {
            out.append(s, run, s.length());
        }
        out.append('"');
    }
}
