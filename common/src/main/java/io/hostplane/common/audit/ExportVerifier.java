package io.hostplane.common.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Verifies an audit proof export ({@link ProofExport}, {@code docs/audit.md} "Proof exports") offline, with nothing
 * but the file and the public keys: no server, no database, no token. It reads the file line by line (memory does
 * not grow with its size) and checks, in order:
 *
 * <ul>
 *   <li>that the first line is the header of format {@code audit.v2} or {@code audit.v1} (otherwise the input is {@link
 *       Status#NOT_AN_EXPORT}, which is not the same as a broken export);
 *   <li>per chain segment: the first link's offset and its anchor (32 zero bytes from the chain's start, a signed
 *       checkpoint right after it otherwise), offsets rising, each link's {@code prev_hash} equal to the previous
 *       link's {@code hash}, and the last link at the offset the chain line announced;
 *   <li>each event link's hash, recomputed from its content ({@link ChainLink}, format v2 or v1); a stub's hash,
 *       recomputed from its {@code payload_sha256} when it has one (a v2 link); a stub without it (a v1 link, whose
 *       hash needs the content the file does not hold) is checked for its continuity only;
 *   <li>each checkpoint: that it follows the link it names, that its hash is that link's hash, and its Ed25519
 *       signature under one of the given keys ({@link ChainVerifier#checkpoint});
 *   <li>the trailer's counts against what was read, so that a truncated file is broken, not short.
 * </ul>
 *
 * It stops at the first broken line and says which (line number, topic, partition, offset) and why.
 *
 * <p>An event is <em>bound to a signature</em> (counted as {@link Counts#eventsSealed()}) when every link from it to
 * the next signed checkpoint was recomputed (event links, and stubs with {@code payload_sha256}): then its content is
 * bound to that signature. An event followed by a v1 stub before the next checkpoint is only bound to the stub's
 * stated previous hash, which whoever edits the event could edit too; the counts say how many events are bound, and
 * {@code docs/audit.md} says what that means.
 */
public final class ExportVerifier {

    /** What the verification found. */
    public enum Status {
        /** Every line checked out. */
        VALID,
        /** A line does not verify: {@link Outcome#line()} is the first such line. */
        BROKEN,
        /** The input is not a Hostplane audit proof export at all (no header, not JSON, another format). */
        NOT_AN_EXPORT
    }

    /**
     * What was read: lines, chain segments, event links, stubs, checkpoints, and how many events are bound to a
     * signature ({@code eventsSealed}).
     */
    public record Counts(long lines, long chains, long events, long stubs, long checkpoints, long eventsSealed) {}

    /**
     * The answer: the status; for {@link Status#BROKEN} the first broken line (1-based) with the link's topic,
     * partition and offset where the line names one; the reason; the counts read up to there.
     */
    public record Outcome(
            Status status, long line, String topic, Integer partition, Long offset, String reason, Counts counts) {

        public boolean valid() {
            return status == Status.VALID;
        }

        /** One line for a person: what was verified, or where and why it broke. */
        public String describe() {
            return switch (status) {
                case VALID ->
                    "valid: " + counts.events() + " events (" + counts.eventsSealed()
                            + " bound to a signature), " + counts.stubs() + " stubs, " + counts.checkpoints()
                            + " signed checkpoints in " + counts.chains() + " chains, " + counts.lines() + " lines";
                case BROKEN ->
                    "broken at line " + line
                            + (topic == null
                                    ? ""
                                    : " (" + topic + "/" + partition + (offset == null ? "" : "@" + offset) + ")")
                            + ": " + reason;
                case NOT_AN_EXPORT -> "not a Hostplane audit export: " + reason;
            };
        }
    }

    private final Map<String, PublicKey> keys = new LinkedHashMap<>();

    /** @param keys the checkpoint signers' public keys; a checkpoint under any other key is broken */
    public ExportVerifier(Collection<PublicKey> keys) {
        for (PublicKey key : keys) {
            this.keys.put(Checkpoints.keyId(key), key);
        }
    }

    /** Reads the export to its end (or its first broken line). */
    public Outcome verify(Reader export) throws IOException {
        BufferedReader lines = export instanceof BufferedReader b ? b : new BufferedReader(export, 1 << 16);
        Walk walk = new Walk();
        try {
            String first = lines.readLine();
            String notExport = walk.header(first);
            if (notExport != null) {
                return new Outcome(Status.NOT_AN_EXPORT, 1, null, null, null, notExport, walk.counts());
            }
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                walk.line(line);
            }
            walk.end();
        } catch (Break b) {
            return new Outcome(Status.BROKEN, b.line, b.topic, b.partition, b.offset, b.getMessage(), walk.counts());
        }
        return new Outcome(Status.VALID, walk.lineNo, null, null, null, null, walk.counts());
    }

    /** The first broken line: thrown inside the walk, caught once in {@link #verify}. */
    private static final class Break extends RuntimeException {
        final long line;
        final String topic;
        final Integer partition;
        final Long offset;

        Break(long line, String topic, Integer partition, Long offset, String reason) {
            super(reason, null, false, false);
            this.line = line;
            this.topic = topic;
            this.partition = partition;
            this.offset = offset;
        }
    }

    /** One chain's segment as announced by its chain line, and how far the walk has come in it. */
    private static final class Segment {
        final String topic;
        final int partition;
        final long from;
        final long to;
        final String start;
        final String end;
        Long lastOffset;
        byte[] lastHash;
        boolean lastIsCheckpoint;
        boolean awaitingAnchor;

        Segment(String topic, int partition, long from, long to, String start, String end) {
            this.topic = topic;
            this.partition = partition;
            this.from = from;
            this.to = to;
            this.start = start;
            this.end = end;
        }
    }

    /** The state of one reading. */
    private final class Walk {
        long lineNo;
        long chains;
        long events;
        long stubs;
        long checkpoints;
        long bound;
        /**
         * Events recomputed since the last checkpoint or v1 stub: bound if a checkpoint comes before a v1 stub.
         */
        long pending;

        Segment segment;
        String lastTopic;
        int lastPartition;
        boolean trailerSeen;
        /** The format the header names, which the trailer must close. */
        String format;

        Counts counts() {
            return new Counts(lineNo, chains, events, stubs, checkpoints, bound);
        }

        /** The first line; null when it is this format's header, else why the input is not an export. */
        String header(String line) {
            lineNo = 1;
            if (line == null || line.isBlank()) {
                return "the input is empty";
            }
            JsonNode node;
            try {
                node = ChainLink.readTree(line);
            } catch (IllegalArgumentException e) {
                return "the first line is not JSON";
            }
            if (!node.isObject() || !node.has("hostplane_export")) {
                return node.isObject() && node.has("specversion")
                        ? "the first line is a CloudEvent, not a header: a plain export (ask for proof=true)"
                        : "the first line is not a header (no hostplane_export)";
            }
            String format = node.path("hostplane_export").asString("");
            if (!ProofExport.FORMAT.equals(format) && !ProofExport.FORMAT_V1.equals(format)) {
                return "format " + format + ", this verifier reads " + ProofExport.FORMAT + " and "
                        + ProofExport.FORMAT_V1;
            }
            this.format = format;
            if (!ProofExport.HEADER.equals(node.path("kind").asString(""))) {
                return "the first line is not a header (kind " + node.path("kind") + ")";
            }
            return null;
        }

        void line(String line) {
            lineNo++;
            if (trailerSeen) {
                throw broken("a line after the trailer");
            }
            if (line.isBlank()) {
                throw broken("an empty line");
            }
            JsonNode node;
            try {
                node = ChainLink.readTree(line);
            } catch (IllegalArgumentException e) {
                throw broken("not JSON");
            }
            if (!node.isObject()) {
                throw broken("not a JSON object");
            }
            String kind = node.path("kind").asString("");
            switch (kind) {
                case ProofExport.CHAIN -> chain(node);
                case ProofExport.EVENT, ProofExport.STUB -> link(node, kind.equals(ProofExport.EVENT));
                case ProofExport.CHECKPOINT -> checkpoint(node);
                case ProofExport.TRAILER -> trailer(node);
                case ProofExport.HEADER -> throw broken("a second header");
                default -> throw broken("unknown line kind '" + kind + "'");
            }
        }

        void end() {
            if (!trailerSeen) {
                lineNo++;
                throw broken("the export ends without its trailer (truncated)");
            }
        }

        private void chain(JsonNode node) {
            closeSegment();
            String topic = text(node, "topic");
            int partition = (int) number(node, "partition");
            if (lastTopic != null) {
                int order = topic.compareTo(lastTopic);
                if (order < 0 || (order == 0 && partition <= lastPartition)) {
                    throw broken(topic, partition, null, "chain out of order or repeated");
                }
            }
            long from = number(node, "from");
            long to = number(node, "to");
            String start = text(node, "start");
            String end = text(node, "end");
            if (!start.equals(ProofExport.START_GENESIS)
                    && !start.equals(ProofExport.START_CHECKPOINT)
                    && !start.equals(ProofExport.START_EXPIRED)) {
                throw broken(topic, partition, null, "unknown chain start '" + start + "'");
            }
            if (!end.equals(ProofExport.END_CHECKPOINT) && !end.equals(ProofExport.END_LAST_EVENT)) {
                throw broken(topic, partition, null, "unknown chain end '" + end + "'");
            }
            if (from > to) {
                throw broken(topic, partition, null, "chain from " + from + " is after to " + to);
            }
            segment = new Segment(topic, partition, from, to, start, end);
            lastTopic = topic;
            lastPartition = partition;
            chains++;
        }

        /** At the line after a segment's last line: the segment must have reached what its chain line announced. */
        private void closeSegment() {
            Segment s = segment;
            if (s == null) {
                return;
            }
            if (s.lastOffset == null) {
                throw broken(s.topic, s.partition, null, "the chain segment has no links");
            }
            if (s.awaitingAnchor) {
                throw broken(s.topic, s.partition, s.lastOffset, "no checkpoint follows the segment's first link");
            }
            if (s.lastOffset != s.to) {
                throw broken(
                        s.topic,
                        s.partition,
                        s.lastOffset,
                        "the segment ends at offset " + s.lastOffset + ", its chain line says " + s.to);
            }
            if (s.end.equals(ProofExport.END_CHECKPOINT) && !s.lastIsCheckpoint) {
                throw broken(s.topic, s.partition, s.lastOffset, "the segment does not end with its checkpoint");
            }
            pending = 0; // events after the last checkpoint: not bound
            segment = null;
        }

        private void link(JsonNode node, boolean event) {
            Segment s = inSegment(node);
            long offset = number(node, "offset");
            byte[] prev = hash(node, "prev_hash", s, offset);
            byte[] hash = hash(node, "hash", s, offset);
            if (s.awaitingAnchor) {
                throw broken(s.topic, s.partition, offset, "no checkpoint follows the segment's first link");
            }
            if (s.lastOffset == null) {
                if (offset != s.from) {
                    throw broken(s.topic, s.partition, offset, "the first link is not at offset " + s.from + " (from)");
                }
                switch (s.start) {
                    case ProofExport.START_GENESIS -> {
                        if (!Arrays.equals(prev, ChainLink.GENESIS)) {
                            throw broken(s.topic, s.partition, offset, "the chain's first link has a prev_hash");
                        }
                    }
                    case ProofExport.START_CHECKPOINT -> s.awaitingAnchor = true;
                    default -> {} // expired: the previous link is gone; its hash is taken as stated
                }
            } else {
                if (offset <= s.lastOffset) {
                    throw broken(s.topic, s.partition, offset, "offset not after the previous link's " + s.lastOffset);
                }
                if (!Arrays.equals(prev, s.lastHash)) {
                    throw broken(s.topic, s.partition, offset, "prev_hash is not the hash of the previous link");
                }
            }
            if (offset > s.to) {
                throw broken(s.topic, s.partition, offset, "a link after the segment's last offset " + s.to);
            }
            if (event) {
                JsonNode content = node.get("event");
                if (content == null || !content.isObject()) {
                    throw broken(s.topic, s.partition, offset, "the event link has no event");
                }
                String canonical = ChainLink.canonicalJson(content);
                // v2 first (every new link); v1 for links stored before it (docs/audit.md, the canonical form).
                if (!Arrays.equals(ChainLink.canonicalEventHashV2(s.topic, s.partition, offset, prev, canonical), hash)
                        && !Arrays.equals(
                                ChainLink.canonicalEventHash(s.topic, s.partition, offset, prev, canonical), hash)) {
                    throw broken(s.topic, s.partition, offset, "hash does not match the event");
                }
                events++;
                pending++;
            } else {
                if (node.has("event")) {
                    throw broken(s.topic, s.partition, offset, "a stub with content");
                }
                stubs++;
                if (node.has("payload_sha256")) {
                    byte[] digest = hash(node, "payload_sha256", s, offset);
                    // The stub does not say whether it is an event or a quarantined record: either kind will do,
                    // as each is a distinct domain-separated text and the digest is committed by the hash.
                    if (!Arrays.equals(
                                    ChainLink.hashV2(s.topic, s.partition, offset, ChainLink.EVENT, prev, digest), hash)
                            && !Arrays.equals(
                                    ChainLink.hashV2(s.topic, s.partition, offset, ChainLink.QUARANTINE, prev, digest),
                                    hash)) {
                        throw broken(s.topic, s.partition, offset, "hash does not match the stub's payload_sha256");
                    }
                } else {
                    pending = 0; // whoever edits an event before a v1 stub can restate the stub's prev_hash
                }
            }
            s.lastOffset = offset;
            s.lastHash = hash;
            s.lastIsCheckpoint = false;
        }

        private void checkpoint(JsonNode node) {
            Segment s = inSegment(node);
            long offset = number(node, "offset");
            if (s.lastOffset == null || s.lastOffset != offset || s.lastIsCheckpoint) {
                throw broken(s.topic, s.partition, offset, "the checkpoint does not follow the link at its offset");
            }
            Instant signedAt;
            byte[] signature;
            try {
                signedAt = Instant.parse(text(node, "signed_at"));
                signature = Base64.getDecoder().decode(text(node, "signature"));
            } catch (DateTimeParseException | IllegalArgumentException e) {
                throw broken(s.topic, s.partition, offset, "the checkpoint's signed_at or signature is malformed");
            }
            ChainVerifier.Checkpoint cp = new ChainVerifier.Checkpoint(
                    s.topic,
                    s.partition,
                    offset,
                    hash(node, "hash", s, offset),
                    signedAt,
                    text(node, "key_id"),
                    signature);
            ChainVerifier.Broken b = new ChainVerifier(null, keys).checkpoint(cp, s.lastHash);
            if (b != null) {
                throw broken(s.topic, s.partition, offset, b.reason());
            }
            s.awaitingAnchor = false;
            s.lastIsCheckpoint = true;
            checkpoints++;
            bound += pending;
            pending = 0;
        }

        private void trailer(JsonNode node) {
            closeSegment();
            if (!format.equals(node.path("hostplane_export_end").asString(""))) {
                throw broken("the trailer does not close format " + format);
            }
            count(node, "chains", chains);
            count(node, "events", events);
            count(node, "stubs", stubs);
            count(node, "checkpoints", checkpoints);
            count(node, "lines", lineNo);
            trailerSeen = true;
        }

        private void count(JsonNode trailer, String name, long read) {
            long stated = number(trailer, name);
            if (stated != read) {
                throw broken("the trailer counts " + stated + " " + name + ", the export holds " + read);
            }
        }

        private Segment inSegment(JsonNode node) {
            Segment s = segment;
            if (s == null) {
                throw broken("a link or checkpoint outside a chain segment");
            }
            String topic = text(node, "topic");
            long partition = number(node, "partition");
            if (!topic.equals(s.topic) || partition != s.partition) {
                throw broken(topic, (int) partition, null, "inside the segment of " + s.topic + "/" + s.partition);
            }
            return s;
        }

        private byte[] hash(JsonNode node, String name, Segment s, long offset) {
            String hex = text(node, name);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw broken(s.topic, s.partition, offset, name + " is not 64 lower-case hex digits");
            }
            return HexFormat.of().parseHex(hex);
        }

        private String text(JsonNode node, String name) {
            JsonNode value = node.get(name);
            if (value == null || !value.isString()) {
                throw broken("field " + name + " missing or not a string");
            }
            return value.asString();
        }

        private long number(JsonNode node, String name) {
            JsonNode value = node.get(name);
            if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
                throw broken("field " + name + " missing or not an integer");
            }
            return value.longValue();
        }

        private Break broken(String reason) {
            Segment s = segment;
            return s == null
                    ? new Break(lineNo, null, null, null, reason)
                    : new Break(lineNo, s.topic, s.partition, s.lastOffset, reason);
        }

        private Break broken(String topic, Integer partition, Long offset, String reason) {
            return new Break(lineNo, topic, partition, offset, reason);
        }
    }
}
