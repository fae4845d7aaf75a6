package io.hostplane.api.audit;

import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.audit.ChainVerifier;
import io.hostplane.common.audit.Checkpoints;
import java.security.PublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Recomputes the chains that hold a tenant's events in a time range. For each such {@code (topic, partition)} it
 * walks the links from the last signed checkpoint at or before the tenant's first event there (from the chain's
 * start if none) to the tenant's last event there, every tenant's links included, recomputing each hash and
 * checking each predecessor, and checks every checkpoint on the way (signature, and that it names the link's
 * hash). It stops at the first broken link.
 *
 * <p>Where expiry dropped the chain's older links ({@code audit.expirations}) and the walk would have to start in
 * the dropped range, it starts instead at the first signed checkpoint after that range: the checkpoint's signature
 * is verified and its (offset, hash) is the anchor. The kept links between the dropped range and that checkpoint
 * cannot be verified and are reported as such ({@code unverifiable}), not as broken (docs/audit.md, Retention).
 */
@Component
class AuditVerifier {

    /** The answer: whether every walked chain holds, what was checked, and the first broken link. */
    record Verification(
            boolean valid,
            String tenant,
            Instant from,
            Instant to,
            int chains,
            long tenantEvents,
            long linksChecked,
            long checkpointsChecked,
            boolean signaturesChecked,
            ChainVerifier.Broken firstBroken,
            long linksUnverifiable,
            List<ChainVerifier.Unverifiable> unverifiable) {}

    /** A chain holding matching events: their first and last offset there, and how many. */
    record Chain(String topic, int partition, long first, long last, long events) {}

    private record Result(
            long links, long checkpoints, ChainVerifier.Broken broken, List<ChainVerifier.Unverifiable> unverifiable) {

        Result plus(Result next) {
            List<ChainVerifier.Unverifiable> all = new ArrayList<>(unverifiable);
            all.addAll(next.unverifiable());
            return new Result(links + next.links(), checkpoints + next.checkpoints(), next.broken(), all);
        }
    }

    private final DatabaseClient db;
    private final Map<String, PublicKey> keys = new LinkedHashMap<>();

    AuditVerifier(AuditDatabase db, AuditApiProperties properties) {
        this.db = db.client();
        for (String key : properties.verifyKeys()) {
            PublicKey publicKey = Checkpoints.publicKey(key);
            keys.put(Checkpoints.keyId(publicKey), publicKey);
        }
    }

    Mono<Verification> verify(AuditQuery q) {
        // The controller admits tenant, from and to only: the filters are the tenant's events in the range.
        return chains(q)
                .collectList()
                .flatMap(chains -> Flux.fromIterable(chains)
                        .concatMap(this::verify)
                        .takeUntil(r -> r.broken() != null)
                        .reduce(new Result(0, 0, null, List.of()), Result::plus)
                        .flatMap(total -> redact(total, q.tenant()))
                        .map(total -> new Verification(
                                total.broken() == null,
                                q.tenant(),
                                q.from(),
                                q.to(),
                                chains.size(),
                                chains.stream().mapToLong(Chain::events).sum(),
                                total.links(),
                                total.checkpoints(),
                                !keys.isEmpty(),
                                total.broken(),
                                total.unverifiable().stream()
                                        .mapToLong(ChainVerifier.Unverifiable::links)
                                        .sum(),
                                total.unverifiable())))
                .onErrorMap(AuditEventStore::unavailable);
    }

    /**
     * The chains holding events that match the query, in (topic, partition) order, with the first and last offset
     * of those events in each (also the proof export's, {@link AuditProofExport}).
     */
    Flux<Chain> chains(AuditQuery q) {
        Map<String, Object> binds = new HashMap<>();
        String sql = "select topic, kafka_partition, min(kafka_offset) as first, max(kafka_offset) as last, "
                + "count(*) as n from audit.events" + AuditEventStore.where(q, null, binds)
                + " group by topic, kafka_partition order by topic, kafka_partition";
        return AuditEventStore.bind(db.sql(sql), binds)
                .map((row, meta) -> new Chain(
                        row.get("topic", String.class),
                        row.get("kafka_partition", Integer.class),
                        row.get("first", Long.class),
                        row.get("last", Long.class),
                        row.get("n", Long.class)))
                .all();
    }

    /**
     * Chains are shared by tenants: a tenant's verification may break at another tenant's link. It learns where
     * (topic, partition, offset) but not that event's id.
     */
    private Mono<Result> redact(Result result, String tenant) {
        ChainVerifier.Broken b = result.broken();
        if (b == null || tenant == null || b.eventId() == null) {
            return Mono.just(result);
        }
        return db.sql("select tenant from audit.events where topic = :topic and kafka_partition = :partition "
                        + "and kafka_offset = :offset")
                .bind("topic", b.topic())
                .bind("partition", b.partition())
                .bind("offset", b.offset())
                .map((row, meta) -> java.util.Optional.ofNullable(row.get("tenant", String.class)))
                .one()
                .map(owner -> owner.filter(tenant::equals).isPresent()
                        ? result
                        : new Result(
                                result.links(),
                                result.checkpoints(),
                                new ChainVerifier.Broken(
                                        b.topic(),
                                        b.partition(),
                                        b.offset(),
                                        null,
                                        b.reason() + " (another tenant's link)",
                                        b.expected(),
                                        b.stored()),
                                result.unverifiable()))
                .defaultIfEmpty(result);
    }

    private Mono<Result> verify(Chain chain) {
        return Mono.zip(anchor(chain), expiredThrough(chain)).flatMap(t -> {
            long start = t.getT1();
            long expired = t.getT2();
            if (expired < 0 || start > expired) {
                return walk(chain, start, null, List.of());
            }
            // The walk would start in the dropped range: from the first signed checkpoint after it instead.
            return firstCheckpointAfter(chain, expired)
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .flatMap(cp -> {
                        Optional<ChainVerifier.Checkpoint> anchor = cp.filter(c -> c.offset() <= chain.last());
                        long to = anchor.map(c -> c.offset() - 1).orElse(chain.last());
                        return countLinks(chain, expired + 1, to).flatMap(n -> {
                            List<ChainVerifier.Unverifiable> unverifiable = n == 0
                                    ? List.of()
                                    : List.of(new ChainVerifier.Unverifiable(
                                            chain.topic(),
                                            chain.partition(),
                                            expired,
                                            expired + 1,
                                            to,
                                            n,
                                            anchor.map(ChainVerifier.Checkpoint::offset)
                                                    .orElse(-1L)));
                            return anchor.isEmpty()
                                    ? Mono.just(new Result(0, 0, null, unverifiable))
                                    : walk(chain, anchor.get().offset(), anchor.get(), unverifiable);
                        });
                    });
        });
    }

    /**
     * Walks from {@code start}: the chain's start (-1, after the genesis hash) or a checkpoint's offset, anchored
     * on that checkpoint ({@code anchor}, or the one stored at {@code start}).
     */
    private Mono<Result> walk(
            Chain chain, long start, ChainVerifier.Checkpoint anchor, List<ChainVerifier.Unverifiable> unverifiable) {
        return checkpoints(chain, start).flatMap(cps -> {
            ChainVerifier verifier = new ChainVerifier(start < 0 ? ChainLink.GENESIS : null, keys);
            ChainVerifier.Checkpoint from = anchor != null ? anchor : start < 0 ? null : cps.get(start);
            if (from != null) {
                ChainVerifier.Broken b = verifier.anchorAt(from);
                if (b != null) {
                    return Mono.just(new Result(0, keys.isEmpty() ? 0 : 1, b, unverifiable));
                }
            }
            AtomicLong links = new AtomicLong();
            AtomicLong checked = new AtomicLong();
            AtomicReference<ChainVerifier.Broken> broken = new AtomicReference<>();
            return links(chain, Math.max(start, 0))
                    .takeUntil(link -> {
                        links.incrementAndGet();
                        ChainVerifier.Broken b = verifier.link(link);
                        ChainVerifier.Checkpoint cp = cps.get(link.offset());
                        if (b == null && cp != null && !keys.isEmpty()) {
                            checked.incrementAndGet();
                            b = verifier.checkpoint(cp, link.hash());
                        }
                        broken.set(b);
                        return b != null;
                    })
                    .then(Mono.fromSupplier(() -> {
                        ChainVerifier.Broken b = broken.get() != null ? broken.get() : verifier.finish();
                        return new Result(links.get(), checked.get(), b, unverifiable);
                    }));
        });
    }

    /** The last offset of the chain that expiry dropped, or -1. */
    Mono<Long> expiredThrough(Chain chain) {
        return db.sql("select max(last_offset) as o from audit.expirations where topic = :topic "
                        + "and kafka_partition = :partition")
                .bind("topic", chain.topic())
                .bind("partition", chain.partition())
                .map((row, meta) -> {
                    Long o = row.get("o", Long.class);
                    return o == null ? -1L : o;
                })
                .one()
                .defaultIfEmpty(-1L);
    }

    /** The chain's first checkpoint after {@code offset}. */
    private Mono<ChainVerifier.Checkpoint> firstCheckpointAfter(Chain chain, long offset) {
        return db.sql("select kafka_offset, hash, signed_at, key_id, signature from audit.checkpoints "
                        + "where topic = :topic and kafka_partition = :partition and kafka_offset > :offset "
                        + "order by kafka_offset limit 1")
                .bind("topic", chain.topic())
                .bind("partition", chain.partition())
                .bind("offset", offset)
                .map((row, meta) -> checkpoint(chain, row))
                .one();
    }

    /** How many links the chain holds from {@code from} to {@code to}. */
    private Mono<Long> countLinks(Chain chain, long from, long to) {
        return db.sql("select (select count(*) from audit.events where topic = :topic and kafka_partition = :partition "
                        + "and kafka_offset between :from and :to) + (select count(*) from audit.quarantine "
                        + "where topic = :topic and kafka_partition = :partition and kafka_offset between :from and :to)"
                        + " as n")
                .bind("topic", chain.topic())
                .bind("partition", chain.partition())
                .bind("from", from)
                .bind("to", to)
                .map((row, meta) -> row.get("n", Long.class))
                .one();
    }

    /** The offset of the last checkpoint at or before the chain's first tenant event, or -1. */
    Mono<Long> anchor(Chain chain) {
        return db.sql("select max(kafka_offset) as o from audit.checkpoints where topic = :topic "
                        + "and kafka_partition = :partition and kafka_offset <= :first")
                .bind("topic", chain.topic())
                .bind("partition", chain.partition())
                .bind("first", chain.first())
                .map((row, meta) -> {
                    Long o = row.get("o", Long.class);
                    return o == null ? -1L : o;
                })
                .one()
                .defaultIfEmpty(-1L);
    }

    private Mono<Map<Long, ChainVerifier.Checkpoint>> checkpoints(Chain chain, long start) {
        return db.sql("select kafka_offset, hash, signed_at, key_id, signature from audit.checkpoints "
                        + "where topic = :topic and kafka_partition = :partition "
                        + "and kafka_offset between :start and :last")
                .bind("topic", chain.topic())
                .bind("partition", chain.partition())
                .bind("start", Math.max(start, 0))
                .bind("last", chain.last())
                .map((row, meta) -> checkpoint(chain, row))
                .all()
                .collectMap(ChainVerifier.Checkpoint::offset);
    }

    /** The chain's links from {@code start} to the chain's last tenant event, in offset order, streamed. */
    private Flux<ChainVerifier.Link> links(Chain chain, long start) {
        return db.sql("select kafka_offset, 'event' as kind, event_id, event::text as event, null::bytea as raw, "
                        + "hash, prev_hash from audit.events where topic = :topic and kafka_partition = :partition "
                        + "and kafka_offset between :start and :last "
                        + "union all select kafka_offset, 'quarantine', null, null, raw, hash, prev_hash "
                        + "from audit.quarantine where topic = :topic and kafka_partition = :partition "
                        + "and kafka_offset between :start and :last order by 1")
                .filter((statement, next) -> next.execute(statement.fetchSize(1000)))
                .bind("topic", chain.topic())
                .bind("partition", chain.partition())
                .bind("start", start)
                .bind("last", chain.last())
                .map((row, meta) -> new ChainVerifier.Link(
                        chain.topic(),
                        chain.partition(),
                        row.get("kafka_offset", Long.class),
                        row.get("kind", String.class),
                        row.get("event_id", String.class),
                        row.get("event", String.class),
                        bytes(row.get("raw", java.nio.ByteBuffer.class)),
                        bytes(row.get("hash", java.nio.ByteBuffer.class)),
                        bytes(row.get("prev_hash", java.nio.ByteBuffer.class))))
                .all();
    }

    static ChainVerifier.Checkpoint checkpoint(Chain chain, io.r2dbc.spi.Readable row) {
        return new ChainVerifier.Checkpoint(
                chain.topic(),
                chain.partition(),
                row.get("kafka_offset", Long.class),
                bytes(row.get("hash", java.nio.ByteBuffer.class)),
                row.get("signed_at", OffsetDateTime.class).toInstant(),
                row.get("key_id", String.class),
                bytes(row.get("signature", java.nio.ByteBuffer.class)));
    }

    static byte[] bytes(java.nio.ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
