package io.hostplane.api.audit;

import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.audit.ChainVerifier;
import io.hostplane.common.audit.ProofExport;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/audit/export?proof=true}: the matching events with, per chain holding them, the segment of the
 * chain that proves them, in the line format {@link ProofExport} ({@code audit.v2}, docs/audit.md "Proof
 * exports"), which {@link io.hostplane.common.audit.ExportVerifier} checks offline.
 *
 * <p>A chain's segment runs from the last signed checkpoint at or before its first matching event (the chain's
 * start if there is none, the first kept link if expiry dropped that far) to the first checkpoint at or after its
 * last matching event (the last matching event if none follows yet), so that the range is covered by signatures.
 * Matching events are written whole; every other link of the segment (other tenants' events, filtered-out events,
 * quarantined records) as a stub with its hashes only, so that nothing of theirs but their position leaks; a stub of
 * a link in format v2 ({@link ChainLink}) also carries its payload's SHA-256, which the hash commits to, so that the
 * offline verifier recomputes it and the events before it stay bound to the next checkpoint. Which format a stub's
 * link is in is recomputed here from its stored content, which is read for that and never written out.
 *
 * <p>Streamed like the plain export: the links of a segment come from a server-side portal 1000 rows at a time and
 * lines are written as the client reads; only the list of chains and one segment's checkpoints (one per
 * {@code checkpoint.every} offsets) are held.
 */
@Component
class AuditProofExport {

    /** Where one chain's segment starts and ends, and how each end is anchored. */
    private record Segment(long from, String start, long to, String end) {}

    /**
     * One link of a segment: its kind, its event (as stored; null for a quarantined record), whether the event
     * matches (then it is written whole, else as a stub), and a quarantined record's bytes.
     */
    private record Row(
            long offset, byte[] prevHash, byte[] hash, String kind, String event, boolean matches, byte[] raw) {}

    private final DatabaseClient db;
    private final AuditVerifier verifier;
    private final AuditKeys keys;

    AuditProofExport(AuditDatabase db, AuditVerifier verifier, AuditKeys keys) {
        this.db = db.client();
        this.verifier = verifier;
        this.keys = keys;
    }

    /** The export's lines, header first and trailer last; an error before the first line is the caller's 503. */
    Flux<String> export(AuditQuery q) {
        return verifier.chains(q)
                .collectList()
                .flatMapMany(chains -> {
                    ProofExport.Writer writer = new ProofExport.Writer();
                    return Flux.concat(
                            Mono.fromSupplier(() ->
                                    writer.header(q.tenant(), q.from(), q.to(), filters(q), keys.ids(), Instant.now())),
                            Flux.fromIterable(chains).concatMap(chain -> segment(chain, q, writer)),
                            Mono.fromSupplier(writer::trailer));
                })
                .onErrorMap(AuditEventStore::unavailable);
    }

    private Flux<String> segment(AuditVerifier.Chain chain, AuditQuery q, ProofExport.Writer writer) {
        return plan(chain)
                .flatMapMany(segment -> checkpoints(chain, segment)
                        .flatMapMany(checkpoints -> Flux.concat(
                                Mono.fromSupplier(() -> writer.chain(
                                        chain.topic(),
                                        chain.partition(),
                                        segment.from(),
                                        segment.to(),
                                        segment.start(),
                                        segment.end())),
                                links(chain, segment, q)
                                        .concatMapIterable(row -> lines(chain, row, checkpoints, writer)))));
    }

    /** A link's line (its event, or a stub), and the line of its checkpoint if it has one. */
    private static List<String> lines(
            AuditVerifier.Chain chain,
            Row row,
            Map<Long, ChainVerifier.Checkpoint> checkpoints,
            ProofExport.Writer writer) {
        List<String> lines = new ArrayList<>(2);
        lines.add(
                row.matches()
                        ? writer.event(
                                chain.topic(), chain.partition(), row.offset(), row.prevHash(), row.hash(), row.event())
                        : writer.stub(
                                chain.topic(),
                                chain.partition(),
                                row.offset(),
                                row.prevHash(),
                                row.hash(),
                                v2PayloadDigest(chain, row)));
        ChainVerifier.Checkpoint cp = checkpoints.get(row.offset());
        if (cp != null) {
            lines.add(writer.checkpoint(
                    cp.topic(), cp.partition(), cp.offset(), cp.hash(), cp.signedAt(), cp.keyId(), cp.signature()));
        }
        return lines;
    }

    /**
     * The payload digest a stub carries: that of a v2 link, recomputed from its stored content; null when the link
     * is v1 (or does not verify at all, which the offline verifier then reports as a break at the stub or after it).
     */
    private static byte[] v2PayloadDigest(AuditVerifier.Chain chain, Row row) {
        String payload;
        if (ChainLink.EVENT.equals(row.kind())) {
            try {
                payload = ChainLink.canonicalJson(row.event());
            } catch (IllegalArgumentException e) {
                return null;
            }
        } else {
            payload = ChainLink.quarantinePayload(row.raw());
        }
        byte[] digest = ChainLink.payloadDigest(payload);
        byte[] v2 =
                ChainLink.hashV2(chain.topic(), chain.partition(), row.offset(), row.kind(), row.prevHash(), digest);
        return Arrays.equals(v2, row.hash()) ? digest : null;
    }

    /** The segment's two ends (see the class comment). */
    private Mono<Segment> plan(AuditVerifier.Chain chain) {
        return Mono.zip(verifier.anchor(chain), verifier.expiredThrough(chain), nextCheckpoint(chain))
                .flatMap(t -> {
                    long anchor = t.getT1();
                    long expired = t.getT2();
                    long next = t.getT3();
                    long to = next >= 0 ? next : chain.last();
                    String end = next >= 0 ? ProofExport.END_CHECKPOINT : ProofExport.END_LAST_EVENT;
                    if (anchor >= 0 && anchor > expired) {
                        return Mono.just(new Segment(anchor, ProofExport.START_CHECKPOINT, to, end));
                    }
                    String start = expired >= 0 ? ProofExport.START_EXPIRED : ProofExport.START_GENESIS;
                    return firstLinkAfter(chain, expired).map(from -> new Segment(from, start, to, end));
                });
    }

    /** The offset of the chain's first checkpoint at or after its last matching event, or -1. */
    private Mono<Long> nextCheckpoint(AuditVerifier.Chain chain) {
        return db.sql("select min(kafka_offset) as o from audit.checkpoints where topic = :topic "
                        + "and kafka_partition = :partition and kafka_offset >= :last")
                .bind("topic", chain.topic())
                .bind("partition", chain.partition())
                .bind("last", chain.last())
                .map((row, meta) -> {
                    Long o = row.get("o", Long.class);
                    return o == null ? -1L : o;
                })
                .one()
                .defaultIfEmpty(-1L);
    }

    /** The offset of the chain's first kept link (event or quarantined record) after {@code offset}. */
    private Mono<Long> firstLinkAfter(AuditVerifier.Chain chain, long offset) {
        return db.sql("select least((select min(kafka_offset) from audit.events where topic = :topic "
                        + "and kafka_partition = :partition and kafka_offset > :after), (select min(kafka_offset) "
                        + "from audit.quarantine where topic = :topic and kafka_partition = :partition "
                        + "and kafka_offset > :after)) as o")
                .bind("topic", chain.topic())
                .bind("partition", chain.partition())
                .bind("after", offset)
                .map((row, meta) -> {
                    Long o = row.get("o", Long.class);
                    return o == null ? chain.first() : o;
                })
                .one();
    }

    private Mono<Map<Long, ChainVerifier.Checkpoint>> checkpoints(AuditVerifier.Chain chain, Segment segment) {
        return db.sql("select kafka_offset, hash, signed_at, key_id, signature from audit.checkpoints "
                        + "where topic = :topic and kafka_partition = :partition "
                        + "and kafka_offset between :first and :last")
                .bind("topic", chain.topic())
                .bind("partition", chain.partition())
                .bind("first", segment.from())
                .bind("last", segment.to())
                .map((row, meta) -> AuditVerifier.checkpoint(chain, row))
                .all()
                .collectMap(ChainVerifier.Checkpoint::offset);
    }

    /**
     * The segment's links in offset order, streamed, with their content (to tell a v2 link's payload digest) and
     * whether an event matches the query (the same condition as the plain export's): only a matching event's content
     * is written out.
     */
    private Flux<Row> links(AuditVerifier.Chain chain, Segment segment, AuditQuery q) {
        Map<String, Object> binds = new LinkedHashMap<>();
        String matches = AuditEventStore.condition(q, null, binds);
        binds.put("topic", chain.topic());
        binds.put("partition", chain.partition());
        binds.put("first", segment.from());
        binds.put("last", segment.to());
        String sql = "select kafka_offset, prev_hash, hash, 'event' as kind, event::text as event, "
                + "coalesce((" + matches + "), false) as matches, null::bytea as raw "
                + "from audit.events where topic = :topic and kafka_partition = :partition "
                + "and kafka_offset between :first and :last "
                + "union all select kafka_offset, prev_hash, hash, 'quarantine', null, false, raw from audit.quarantine "
                + "where topic = :topic and kafka_partition = :partition and kafka_offset between :first and :last "
                + "order by 1";
        return AuditEventStore.bind(
                        db.sql(sql).filter((statement, next) -> next.execute(statement.fetchSize(1000))), binds)
                .map((row, meta) -> new Row(
                        row.get("kafka_offset", Long.class),
                        hash(row.get("prev_hash", ByteBuffer.class)),
                        hash(row.get("hash", ByteBuffer.class)),
                        row.get("kind", String.class),
                        row.get("event", String.class),
                        Boolean.TRUE.equals(row.get("matches", Boolean.class)),
                        AuditVerifier.bytes(row.get("raw", ByteBuffer.class))))
                .all();
    }

    /** A row stored before chains existed has no hash: written empty, the verifier reports it there. */
    private static byte[] hash(ByteBuffer buffer) {
        byte[] bytes = AuditVerifier.bytes(buffer);
        return bytes == null ? new byte[0] : bytes;
    }

    /** The filters as given, for the header (tenant and range are fields of their own). */
    private static Map<String, Object> filters(AuditQuery q) {
        Map<String, Object> filters = new LinkedHashMap<>();
        if (!q.types().isEmpty()) {
            filters.put("type", q.types());
        }
        put(filters, "actor", q.actor());
        put(filters, "resource", q.resource());
        put(filters, "job_id", q.jobId());
        put(filters, "request_id", q.requestId());
        put(filters, "outcome", q.outcome());
        return filters;
    }

    private static void put(Map<String, Object> filters, String name, String value) {
        if (value != null) {
            filters.put(name, value);
        }
    }
}
