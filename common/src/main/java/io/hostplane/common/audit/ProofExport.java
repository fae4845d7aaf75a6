package io.hostplane.common.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit proof export's line format {@code audit.v2} ({@code GET /api/v1/audit/export?proof=true}, described in
 * {@code docs/audit.md}, "Proof exports"): its names and its {@link Writer}. The API writes it, {@link
 * ExportVerifier} reads it; both live here so that the two cannot drift apart. Every line is one JSON object whose
 * {@code kind} says what it is; the first line also names the format in {@code hostplane_export}, so that a file
 * can be recognised before anything else is read.
 */
public final class ProofExport {

    /** The value of {@code hostplane_export} in the header (and of {@code hostplane_export_end} in the trailer). */
    public static final String FORMAT = "audit.v2";
    /**
     * The format before stubs could carry {@code payload_sha256}; {@link ExportVerifier} still reads it (its lines
     * are a subset of {@link #FORMAT}'s).
     */
    public static final String FORMAT_V1 = "audit.v1";

    public static final String HEADER = "header";
    /** Starts the segment of one {@code (topic, partition)}: its first and last offset and how it is anchored. */
    public static final String CHAIN = "chain";
    /** A link whose event the export carries in full: its hash is recomputed. */
    public static final String EVENT = "event";
    /**
     * A link shown by its hashes only (another tenant's event, a filtered-out event, a quarantined record); a link
     * of format v2 ({@link ChainLink}) also with {@code payload_sha256}, from which its hash is recomputed.
     */
    public static final String STUB = "stub";
    /** A signed checkpoint; it follows the link it names. */
    public static final String CHECKPOINT = "checkpoint";
    /** The last line, with the counts, so that a truncated file is told from a complete one. */
    public static final String TRAILER = "trailer";

    /** How a chain's segment starts: at the chain's first link (previous hash 32 zero bytes). */
    public static final String START_GENESIS = "genesis";
    /** How a chain's segment starts: at a signed checkpoint's link. */
    public static final String START_CHECKPOINT = "checkpoint";
    /**
     * How a chain's segment starts: at the first link kept after expiry dropped the chain's older links, with no
     * checkpoint before the first matching event; its previous hash is taken as stated.
     */
    public static final String START_EXPIRED = "expired";

    /** How a chain's segment ends: at a signed checkpoint after the last matching event. */
    public static final String END_CHECKPOINT = "checkpoint";
    /** How a chain's segment ends: at the last matching event (no checkpoint after it yet). */
    public static final String END_LAST_EVENT = "last_event";

    private ProofExport() {}

    /**
     * Writes the lines of one export, in order, and counts them for the trailer. Not thread-safe: one export is
     * written by one sequence of calls.
     */
    public static final class Writer {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        private long lines;
        private long chains;
        private long events;
        private long stubs;
        private long checkpoints;

        /**
         * The first line: what was asked for ({@code tenant} null for every tenant, {@code from}/{@code to} null
         * when open), the filters as given, and the ids of the keys the exporter accepts signatures from.
         */
        public String header(
                String tenant,
                Instant from,
                Instant to,
                Map<String, Object> filters,
                List<String> keyIds,
                Instant exportedAt) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("hostplane_export", FORMAT);
            line.put("kind", HEADER);
            line.put("tenant", tenant);
            line.put("from", from == null ? null : from.toString());
            line.put("to", to == null ? null : to.toString());
            line.put("filters", filters);
            line.put("key_ids", keyIds);
            line.put("exported_at", exportedAt.toString());
            return write(line);
        }

        /** Opens the segment of one chain: links {@code from} to {@code to}, anchored by {@code start}. */
        public String chain(String topic, int partition, long from, long to, String start, String end) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("kind", CHAIN);
            line.put("topic", topic);
            line.put("partition", partition);
            line.put("from", from);
            line.put("to", to);
            line.put("start", start);
            line.put("end", end);
            chains++;
            return write(line);
        }

        /**
         * A link with its event, {@code eventJson} as stored: copied into the line as it is (one JSON value without
         * a line break, as PostgreSQL prints {@code jsonb}), so that nothing is parsed or re-encoded on the way.
         */
        public String event(String topic, int partition, long offset, byte[] prevHash, byte[] hash, String eventJson) {
            String fields = write(link(EVENT, topic, partition, offset, prevHash, hash));
            events++;
            return fields.substring(0, fields.length() - 1) + ",\"event\":" + eventJson + "}";
        }

        /**
         * A link by its hashes only; {@code payloadDigest} ({@link ChainLink#payloadDigest}) for a v2 link, null for
         * a v1 link (whose hash cannot be recomputed from a digest).
         */
        public String stub(
                String topic, int partition, long offset, byte[] prevHash, byte[] hash, byte[] payloadDigest) {
            stubs++;
            Map<String, Object> line = link(STUB, topic, partition, offset, prevHash, hash);
            if (payloadDigest != null) {
                line.put("payload_sha256", HexFormat.of().formatHex(payloadDigest));
            }
            return write(line);
        }

        /**
         * A signed checkpoint; {@code signed_at} is written exactly as the signature covers it ({@link
         * Checkpoints#signedBytes}: ISO-8601 UTC truncated to microseconds, trailing zero digits left out).
         */
        public String checkpoint(
                String topic,
                int partition,
                long offset,
                byte[] hash,
                Instant signedAt,
                String keyId,
                byte[] signature) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("kind", CHECKPOINT);
            line.put("topic", topic);
            line.put("partition", partition);
            line.put("offset", offset);
            line.put("hash", HexFormat.of().formatHex(hash));
            line.put("signed_at", signedAt.truncatedTo(ChronoUnit.MICROS).toString());
            line.put("key_id", keyId);
            line.put("signature", Base64.getEncoder().encodeToString(signature));
            checkpoints++;
            return write(line);
        }

        /** The last line: the counts of what came before, and of the lines including this one. */
        public String trailer() {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("kind", TRAILER);
            line.put("hostplane_export_end", FORMAT);
            line.put("chains", chains);
            line.put("events", events);
            line.put("stubs", stubs);
            line.put("checkpoints", checkpoints);
            line.put("lines", lines + 1);
            return write(line);
        }

        public long events() {
            return events;
        }

        private static Map<String, Object> link(
                String kind, String topic, int partition, long offset, byte[] prevHash, byte[] hash) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("kind", kind);
            line.put("topic", topic);
            line.put("partition", partition);
            line.put("offset", offset);
            line.put("prev_hash", HexFormat.of().formatHex(prevHash));
            line.put("hash", HexFormat.of().formatHex(hash));
            return line;
        }

        private String write(Map<String, Object> line) {
            lines++;
            return JSON.writeValueAsString(line);
        }
    }
}
