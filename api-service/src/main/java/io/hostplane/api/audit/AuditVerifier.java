package io.hostplane.api.audit;

import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.audit.ChainVerifier;
import io.hostplane.common.audit.Checkpoints;
import java.security.PublicKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
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
            ChainVerifier.Broken firstBroken) {}

    private record Chain(String topic, int partition, long first, long last, long events) {}

    private record Result(long links, long checkpoints, ChainVerifier.Broken broken) {}

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
        Map<String, Object> binds = new HashMap<>();
        String sql = "select topic, kafka_partition, min(kafka_offset) as first, max(kafka_offset) as last, "
                + "count(*) as n from audit.events" + AuditEventStore.where(q, null, binds)
                + " group by topic, kafka_partition order by topic, kafka_partition";
        DatabaseClient.GenericExecuteSpec spec = AuditEventStore.bind(db.sql(sql), binds);
        return spec.map((row, meta) -> new Chain(
                        row.get("topic", String.class),
                        row.get("kafka_partition", Integer.class),
                        row.get("first", Long.class),
                        row.get("last", Long.class),
                        row.get("n", Long.class)))
                .all()
                .collectList()
                .flatMap(chains -> Flux.fromIterable(chains)
                        .concatMap(this::verify)
                        .takeUntil(r -> r.broken() != null)
                        .reduce(
                                new Result(0, 0, null),
                                (a, b) -> new Result(
                                        a.links() + b.links(), a.checkpoints() + b.checkpoints(), b.broken()))
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
                                total.broken())))
                .onErrorMap(AuditEventStore::unavailable);
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
                                        b.stored())))
                .defaultIfEmpty(result);
    }

    private Mono<Result> verify(Chain chain) {
        return anchor(chain)
                .flatMap(start -> checkpoints(chain, start).flatMap(cps -> {
                    // From a checkpoint, its link's own stored predecessor is taken and its hash must equal the signed
                    // one; from the chain's start, the first link must follow the genesis hash.
                    ChainVerifier verifier = new ChainVerifier(start < 0 ? ChainLink.GENESIS : null, keys);
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
                            .then(Mono.fromSupplier(() -> new Result(links.get(), checked.get(), broken.get())));
                }));
    }

    /** The offset of the last checkpoint at or before the chain's first tenant event, or -1. */
    private Mono<Long> anchor(Chain chain) {
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
                .map((row, meta) -> new ChainVerifier.Checkpoint(
                        chain.topic(),
                        chain.partition(),
                        row.get("kafka_offset", Long.class),
                        bytes(row.get("hash", java.nio.ByteBuffer.class)),
                        row.get("signed_at", OffsetDateTime.class).toInstant(),
                        row.get("key_id", String.class),
                        bytes(row.get("signature", java.nio.ByteBuffer.class))))
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

    private static byte[] bytes(java.nio.ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
