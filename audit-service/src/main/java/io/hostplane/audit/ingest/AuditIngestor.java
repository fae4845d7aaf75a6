package io.hostplane.audit.ingest;

import io.hostplane.audit.chain.CheckpointSigner;
import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Consumes {@code hostplane.commands}, {@code hostplane.job-events} and {@code hostplane.audit} into the audit
 * store. Each poll is one transaction; the offsets are committed only after it commits (batch ack mode), so a
 * crash redelivers the poll and nothing is lost.
 *
 * <p>Each {@code (topic, partition)} is a hash chain in offset order (docs/audit.md): an event is a link, a
 * record that cannot be read is quarantined and is a link too (its offset is part of the stream), and an
 * event whose {@code (source, id)} is already stored (a producer retry at a later offset) is skipped and is not
 * a link, so that it is stored once. Every link is written in link format v2 ({@link ChainLink}), whose hash
 * commits to its payload's digest. A redelivered record at or below the chain's last link was handled
 * before and is skipped as well. Each poll takes its chains' advisory locks (one statement), so that two
 * consumers briefly owning one partition during a rebalance cannot fork a chain; a chain's tail is read once and
 * then kept, and each poll checks in one statement that no one else moved the kept tails.
 *
 * <p>The store, not the committed offset, says where a chain goes on: on assignment each partition is read
 * from its chain's last link on (from the start of the topic when the chain is empty), so a store whose tables
 * were dropped refills in offset order and reproduces its hashes (docs/audit.md, "Replay").
 */
@Component
public class AuditIngestor implements ConsumerSeekAware {

    private static final Logger log = LoggerFactory.getLogger(AuditIngestor.class);
    /**
     * A poll's events and their ids are streamed with COPY (PostgreSQL's bulk load: one statement, no bind
     * parameter per value) rather than inserted row by row; see docs/benchmarks.md, audit ingest.
     */
    private static final String COPY_EVENTS =
            "copy audit.events (event_id, source, type, subject, tenant, request_id, job_id, occurred_at, topic, "
                    + "kafka_partition, kafka_offset, event, hash, prev_hash) from stdin";
    /** Each event once, across the partitions of audit.events (docs/audit.md, Retention). */
    private static final String COPY_EVENT_IDS = "copy audit.event_ids (source, event_id) from stdin";

    private static final String INSERT_QUARANTINE =
            "insert into audit.quarantine (topic, kafka_partition, kafka_offset, raw, reason, hash, prev_hash) "
                    + "values (?, ?, ?, ?, ?, ?, ?)";
    private static final int[] QUARANTINE_TYPES = {
        Types.VARCHAR, Types.INTEGER, Types.BIGINT, Types.BINARY, Types.VARCHAR, Types.BINARY, Types.BINARY
    };
    private static final String INSERT_CHECKPOINT =
            "insert into audit.checkpoints (topic, kafka_partition, kafka_offset, hash, signed_at, key_id, signature) "
                    + "values (?, ?, ?, ?, ?, ?, ?)";
    private static final int[] CHECKPOINT_TYPES = {
        Types.VARCHAR,
        Types.INTEGER,
        Types.BIGINT,
        Types.BINARY,
        Types.TIMESTAMP_WITH_TIMEZONE,
        Types.VARCHAR,
        Types.BINARY
    };
    private static final String TAIL = "select kafka_offset, hash, stored_at from ("
            + "(select kafka_offset, hash, stored_at from audit.events where topic = ? and kafka_partition = ?"
            + " and hash is not null order by kafka_offset desc limit 1) union all "
            + "(select kafka_offset, hash, stored_at from audit.quarantine where topic = ? and kafka_partition = ?"
            + " order by kafka_offset desc limit 1) union all "
            // A chain whose links have all expired continues from its last dropped link.
            + "(select last_offset, last_hash, null from audit.expirations where topic = ? and kafka_partition = ?"
            + " and last_hash is not null order by last_offset desc limit 1)) t order by kafka_offset desc limit 1";

    /**
     * The chains (of those whose tail this ingestor keeps) that someone else moved since: a link beyond the kept
     * tail, or none at it (the store was dropped and rebuilt). Probes only the partitions stored since the kept
     * tail's own time, so it stays cheap however long the store is kept.
     */
    private static final String MOVED =
            "select c.t, c.p from unnest(?::text[], ?::int[], ?::bigint[], ?::timestamptz[])"
                    + " as c(t, p, o, s) where exists (select 1 from audit.events e where e.topic = c.t"
                    + " and e.kafka_partition = c.p and e.kafka_offset > c.o and e.stored_at >= c.s)"
                    + " or exists (select 1 from audit.quarantine q where q.topic = c.t and q.kafka_partition = c.p"
                    + " and q.kafka_offset > c.o and q.stored_at >= c.s)"
                    + " or not (exists (select 1 from audit.events e where e.topic = c.t and e.kafka_partition = c.p"
                    + " and e.kafka_offset = c.o and e.stored_at >= c.s)"
                    + " or exists (select 1 from audit.quarantine q where q.topic = c.t and q.kafka_partition = c.p"
                    + " and q.kafka_offset = c.o and q.stored_at >= c.s))";

    /** The longest id, source, type, tenant, request id or job id stored (each is in an index). */
    static final int MAX_INDEXED_CHARS = 400;

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventCodec codec;
    private final CheckpointSigner signer;

    private final Counter storedEvents;
    private final Counter quarantinedRecords;
    private final Counter skippedRecords;
    private final Counter tailReads;

    AuditIngestor(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            EventCodec codec,
            CheckpointSigner signer,
            MeterRegistry registry) {
        this.storedEvents = ingested(registry, "stored");
        this.quarantinedRecords = ingested(registry, "quarantined");
        this.skippedRecords = ingested(registry, "skipped");
        this.tailReads = Counter.builder("hostplane.audit.chain.tail.reads")
                .description("Chain tails read from the store (once per chain and assignment when all is well)")
                .register(registry);
        this.jdbc = jdbc;
        this.tx = tx;
        this.codec = codec;
        this.signer = signer;
    }

    @KafkaListener(
            id = "audit-ingest",
            topics = {Topics.COMMANDS, Topics.JOB_EVENTS, Topics.AUDIT},
            groupId = Topics.AUDIT_GROUP,
            batch = "true")
    void onRecords(List<ConsumerRecord<String, String>> records) {
        ingest(records);
    }

    /**
     * Stores {@code records} in one transaction, as the live consumer does: what a chain already holds is
     * skipped. The replay executor rebuilding the store calls this too. Returns how many records were stored or
     * quarantined.
     */
    public int ingest(List<ConsumerRecord<String, String>> records) {
        if (records.isEmpty()) {
            return 0;
        }
        Counts counts;
        try {
            counts = tx.execute(status -> store(records));
        } catch (RuntimeException e) {
            // Whatever this poll's chains looked like, read them again.
            records.forEach(r -> tails.remove(new TopicPartition(r.topic(), r.partition())));
            if (partitionsEnsuredUntil.equals(Instant.EPOCH) || !noPartition(e)) {
                throw e;
            }
            // The poll did not make sure of the partition, and it is gone (a dropped and rebuilt store): once more,
            // making sure of it first.
            partitionsEnsuredUntil = Instant.EPOCH;
            counts = tx.execute(status -> store(records));
        }
        // Kept only once committed: a rolled-back poll's tails were never the chains'.
        counts.tails().forEach((chain, tail) -> {
            if (tail.storedAt() != null) {
                tails.put(chain, tail);
            } else {
                tails.remove(chain);
            }
        });
        // After the commit: a rolled-back poll is retried and must not count twice.
        storedEvents.increment(counts.stored());
        quarantinedRecords.increment(counts.quarantined());
        skippedRecords.increment(counts.skipped());
        return counts.stored() + counts.quarantined();
    }

    /**
     * The partition of now() must exist before the inserts (normally created ahead by the retention task). Partitions
     * begin and end at midnight UTC (daily or monthly), so once ensured, the day's partition is there until then: the
     * function is called again only in the last minutes of a day and after midnight, not in every poll.
     */
    private void ensurePartitions() {
        Instant now = Instant.now();
        if (now.isBefore(partitionsEnsuredUntil)) {
            return;
        }
        jdbc.queryForList("select audit.ensure_partitions(now())");
        partitionsEnsuredUntil =
                now.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS).minus(5, ChronoUnit.MINUTES);
    }

    private volatile Instant partitionsEnsuredUntil = Instant.EPOCH;

    /**
     * PostgreSQL refused a row for want of a partition of its time: SQLSTATE 23514, as a check violation (read from
     * the state, not the message, which follows the server's locale). Another check violation is retried once too,
     * and fails again.
     */
    private static boolean noPartition(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23514".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The offset of the chain's last link, or -1 when the store holds none of {@code topic}'s partition. */
    public long lastLinkOffset(String topic, int partition) {
        Tail tail = tail(topic, partition);
        return tail == null ? -1 : tail.offset();
    }

    @Override
    public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
        partitions.forEach(tails::remove);
    }

    @Override
    public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
        for (TopicPartition tp : assignments.keySet()) {
            tails.remove(tp);
            long last;
            try {
                last = lastLinkOffset(tp.topic(), tp.partition());
            } catch (DataAccessException e) {
                // The database is away: go on from the committed offset; the chain's tail decides at insert.
                log.warn(
                        "cannot read the chain tail of {}: {}; reading on from the committed offset", tp, e.toString());
                continue;
            }
            if (last < 0) {
                callback.seekToBeginning(List.of(tp));
            } else if (last + 1 < assignments.get(tp)) {
                // Behind the committed offset: the store lost rows it had (dropped tables); read them again.
                callback.seek(tp.topic(), tp.partition(), last + 1);
            }
        }
    }

    /** What one poll did: events stored, records quarantined, records skipped as already handled. */
    private record Counts(int stored, int quarantined, int skipped, Map<TopicPartition, Tail> tails) {}

    private static Counter ingested(MeterRegistry registry, String outcome) {
        return Counter.builder("hostplane.audit.ingested")
                .description("Records taken from the topics into the audit store, by outcome (the ingest rate)")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** A chain's last link: its offset, hash and when it was stored (null for a link that expired). */
    private record Tail(long offset, byte[] hash, OffsetDateTime storedAt) {}

    /**
     * The tail of each chain as this ingestor last wrote or read it, so that a poll does not read every chain's
     * tail again: a poll takes its chains' locks, then checks in one statement that no one moved the kept tails
     * ({@link #MOVED}); only chains not kept, or moved, have their tail read. Dropped when a poll fails and when
     * partitions are revoked.
     */
    private final Map<TopicPartition, Tail> tails = new ConcurrentHashMap<>();

    /** A record as read: the event and its canonical JSON (computed once: it is both checked and hashed). */
    private record Parsed(ConsumerRecord<String, String> record, CloudEvent event, String canonical, String reason) {}

    private Counts store(List<ConsumerRecord<String, String>> records) {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> chains = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            chains.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>())
                    .add(r);
        }
        List<Parsed> parsed = new ArrayList<>(records.size());
        for (List<ConsumerRecord<String, String>> chain : chains.values()) {
            chain.sort(Comparator.comparingLong(ConsumerRecord::offset));
            chain.forEach(r -> parsed.add(parse(r)));
        }
        ensurePartitions();
        Set<String> stored = alreadyStored(parsed);
        CopyText events = new CopyText(records.size() * 1400);
        CopyText eventIds = new CopyText(records.size() * 80);
        int eventCount = 0;
        List<Object[]> quarantined = new ArrayList<>();
        List<Object[]> checkpoints = new ArrayList<>();
        int i = 0;
        int skipped = 0;
        OffsetDateTime storedAt = lockChains(chains.keySet());
        Map<TopicPartition, Tail> known = keptTails(chains.keySet());
        Map<TopicPartition, Tail> written = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, List<ConsumerRecord<String, String>>> chain : chains.entrySet()) {
            String topic = chain.getKey().topic();
            int partition = chain.getKey().partition();
            Tail tail = known.containsKey(chain.getKey()) ? known.get(chain.getKey()) : tail(topic, partition);
            for (int n = 0; n < chain.getValue().size(); n++, i++) {
                Parsed p = parsed.get(i);
                long offset = p.record().offset();
                if (tail != null && offset <= tail.offset()) {
                    skipped++;
                    continue;
                }
                byte[] prev = tail == null ? ChainLink.GENESIS : tail.hash();
                byte[] hash;
                if (p.event() != null) {
                    if (!stored.add(p.event().source() + "\n" + p.event().id())) {
                        skipped++;
                        continue;
                    }
                    hash = ChainLink.canonicalEventHashV2(topic, partition, offset, prev, p.canonical());
                    eventRow(events, p, hash, prev);
                    eventIds.text(p.event().source()).text(p.event().id()).endRow();
                    eventCount++;
                } else {
                    byte[] raw = p.record().value() == null
                            ? null
                            : p.record().value().getBytes(StandardCharsets.UTF_8);
                    hash = ChainLink.quarantineHashV2(topic, partition, offset, prev, raw);
                    quarantined.add(new Object[] {topic, partition, offset, raw, p.reason(), hash, prev});
                    log.warn("quarantined unreadable record {}-{}@{}: {}", topic, partition, offset, p.reason());
                }
                if (signer.due(tail == null ? -1 : tail.offset(), offset)) {
                    CheckpointSigner.Signed s = signer.sign(topic, partition, offset, hash);
                    checkpoints.add(new Object[] {
                        topic, partition, offset, hash, s.signedAt().atOffset(ZoneOffset.UTC), s.keyId(), s.signature()
                    });
                }
                tail = new Tail(offset, hash, storedAt);
            }
            if (tail != null) {
                written.put(chain.getKey(), tail);
            }
        }
        if (eventCount > 0) {
            copy(COPY_EVENTS, events, eventCount);
            copy(COPY_EVENT_IDS, eventIds, eventCount);
        }
        if (!quarantined.isEmpty()) {
            jdbc.batchUpdate(INSERT_QUARANTINE, quarantined, QUARANTINE_TYPES);
        }
        if (!checkpoints.isEmpty()) {
            jdbc.batchUpdate(INSERT_CHECKPOINT, checkpoints, CHECKPOINT_TYPES);
        }
        if (skipped > 0) {
            log.debug("skipped {} records already stored", skipped);
        }
        return new Counts(eventCount, quarantined.size(), skipped, written);
    }

    private Parsed parse(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            return new Parsed(record, null, null, "record has no value");
        }
        // Parsed once: the tree gives both the event and its canonical form (the hashed text).
        JsonNode tree;
        try {
            tree = ChainLink.readTree(record.value());
        } catch (IllegalArgumentException e) {
            String why = e.getCause() instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
            return new Parsed(record, null, null, "not a CloudEvent in JSON: " + why);
        }
        try {
            CloudEvent event = codec.read(tree);
            String unstorable = unstorable(event);
            if (unstorable != null) {
                return new Parsed(record, null, null, unstorable);
            }
            String canonical = ChainLink.canonicalJson(tree);
            // PostgreSQL's jsonb cannot hold U+0000; such an event could never be stored.
            if (canonical.contains("\\u0000")) {
                return new Parsed(record, null, null, "event contains U+0000, which jsonb cannot store");
            }
            return new Parsed(record, event, canonical, null);
        } catch (EventCodec.MalformedEventException | IllegalArgumentException e) {
            return new Parsed(record, null, null, e.getMessage());
        }
    }

    /**
     * Why PostgreSQL would refuse to store {@code event}, or null. A refused row would fail its whole poll again
     * and again and stop the chain behind it, so such an event is quarantined instead: an indexed attribute
     * longer than {@value #MAX_INDEXED_CHARS} characters (a B-tree entry is limited to about 2.7 kB) or a time
     * outside the years 1 to 9999.
     */
    private static String unstorable(CloudEvent event) {
        String[][] indexed = {
            {"id", event.id()},
            {"source", event.source()},
            {"type", event.type()},
            {"tenant", event.tenant()},
            {"requestid", event.requestid()},
            {"jobid", event.jobid()}
        };
        for (String[] attribute : indexed) {
            if (attribute[1] != null && attribute[1].length() > MAX_INDEXED_CHARS) {
                return "attribute " + attribute[0] + " is longer than " + MAX_INDEXED_CHARS + " characters";
            }
        }
        Instant time = event.time();
        if (time != null && (time.isBefore(EARLIEST) || !time.isBefore(LATEST))) {
            return "time " + time + " is outside the years 1 to 9999";
        }
        return null;
    }

    /** {@code source + "\n" + id} of the batch's events that the store already holds. */
    private Set<String> alreadyStored(List<Parsed> parsed) {
        List<String> sources = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (Parsed p : parsed) {
            if (p.event() != null) {
                sources.add(p.event().source());
                ids.add(p.event().id());
            }
        }
        Set<String> keys = new HashSet<>();
        if (ids.isEmpty()) {
            return keys;
        }
        jdbc.query(
                // A join on unnest probes the primary key once per id (a nested loop), whatever the table's size;
                // "event_id = any(array)" was planned as a scan of the whole table (measured: 22 ms at 110,000 ids,
                // growing with the table, against 12 ms flat).
                "select e.source, e.event_id from audit.event_ids e join unnest(?::text[], ?::text[]) k(source, id) "
                        + "on e.source = k.source and e.event_id = k.id",
                rs -> {
                    keys.add(rs.getString(1) + "\n" + rs.getString(2));
                },
                sources.toArray(String[]::new),
                ids.toArray(String[]::new));
        return keys;
    }

    /**
     * Takes the advisory lock of every chain of the poll, in one statement and in one order (so two consumers
     * briefly sharing partitions during a rebalance cannot deadlock), so that two writers of one chain cannot fork
     * it; returns the transaction's time, which every row of the poll is stored with.
     */
    private OffsetDateTime lockChains(java.util.Collection<TopicPartition> chains) {
        List<TopicPartition> ordered = chains.stream()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .toList();
        List<OffsetDateTime> now = jdbc.query(
                // Every row of the inner select takes its lock (the count reads them all), in the array's order.
                "select now(), count(*) from (select pg_advisory_xact_lock(hashtext(c.t), c.p) from "
                        + "unnest(?::text[], ?::int[]) with ordinality as c(t, p, n) order by c.n) locked",
                (rs, n) -> rs.getObject(1, OffsetDateTime.class),
                ordered.stream().map(TopicPartition::topic).toArray(String[]::new),
                ordered.stream().map(TopicPartition::partition).toArray(Integer[]::new));
        return now.get(0);
    }

    /** The kept tails of {@code chains} that no one has moved since (one statement); the others are forgotten. */
    private Map<TopicPartition, Tail> keptTails(java.util.Collection<TopicPartition> chains) {
        Map<TopicPartition, Tail> kept = new LinkedHashMap<>();
        for (TopicPartition chain : chains) {
            Tail tail = tails.get(chain);
            if (tail != null) {
                kept.put(chain, tail);
            }
        }
        if (kept.isEmpty()) {
            return kept;
        }
        List<TopicPartition> asked = List.copyOf(kept.keySet());
        jdbc.query(
                MOVED,
                rs -> {
                    TopicPartition moved = new TopicPartition(rs.getString(1), rs.getInt(2));
                    kept.remove(moved);
                    tails.remove(moved);
                },
                asked.stream().map(TopicPartition::topic).toArray(String[]::new),
                asked.stream().map(TopicPartition::partition).toArray(Integer[]::new),
                asked.stream().map(c -> kept.get(c).offset()).toArray(Long[]::new),
                // As text: the driver binds no array of OffsetDateTime.
                asked.stream().map(c -> kept.get(c).storedAt().toString()).toArray(String[]::new));
        return kept;
    }

    /** How many chain tails this ingestor has read from the store (for tests and diagnostics). */
    long tailReads() {
        return (long) tailReads.count();
    }

    private Tail tail(String topic, int partition) {
        tailReads.increment();
        List<Tail> rows = jdbc.query(
                TAIL,
                (rs, n) -> new Tail(rs.getLong(1), rs.getBytes(2), rs.getObject(3, OffsetDateTime.class)),
                topic,
                partition,
                topic,
                partition,
                topic,
                partition);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** Streams {@code rows} into the poll's transaction with COPY; it must load exactly {@code expected} rows. */
    private void copy(String sql, CopyText rows, int expected) {
        byte[] bytes = rows.utf8();
        Long loaded = jdbc.execute((ConnectionCallback<Long>) connection -> {
            try {
                return connection
                        .unwrap(PGConnection.class)
                        .getCopyAPI()
                        .copyIn(sql, new ByteArrayInputStream(bytes), bytes.length);
            } catch (IOException e) {
                throw new SQLException("COPY failed: " + e.getMessage(), e);
            }
        });
        if (loaded == null || loaded != expected) {
            throw new IllegalStateException("COPY loaded " + loaded + " rows, not " + expected + ": " + sql);
        }
    }

    private static void eventRow(CopyText out, Parsed p, byte[] hash, byte[] prev) {
        CloudEvent event = p.event();
        ConsumerRecord<String, String> record = p.record();
        out.text(event.id())
                .text(event.source())
                .text(event.type())
                .text(event.subject())
                .text(event.tenant())
                .text(event.requestid())
                .text(event.jobid())
                .time(event.time() == null ? Instant.ofEpochMilli(record.timestamp()) : event.time())
                .text(record.topic())
                .number(record.partition())
                .number(record.offset())
                .text(record.value())
                .bytes(hash)
                .bytes(prev)
                .endRow();
    }
}
