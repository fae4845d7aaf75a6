package io.hostplane.bench;

import static io.hostplane.bench.BenchSupport.out;
import static io.hostplane.bench.BenchSupport.seconds;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.RequestRecorded;
import io.hostplane.common.topic.Topics;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * {@link AuditBench}'s {@code ingest} mode: request records produced straight to {@code hostplane.audit}, timed until
 * every one is stored in {@code audit.events}, once sent live and once as a backlog (one Kafka transaction, timed
 * from its commit); then the backlog's rows COPYed into same-definition scratch tables.
 */
final class AuditIngestBench {

    /** The tenants of the measured events: bench-t000, bench-t001, … */
    static final String TENANT_PREFIX = "bench-t";
    /** The tenants of the events ingested live (sent while the ingestor runs): bench-l000, … */
    static final String LIVE_PREFIX = "bench-l";

    private AuditIngestBench() {}

    static void run(String bootstrap, String jdbcUrl, int events, int tenants, Path dir) throws Exception {
        EventCodec codec = new EventCodec();
        try (Connection db = connect(jdbcUrl);
                KafkaProducer<String, String> producer = producer(bootstrap, false);
                KafkaProducer<String, String> transactional = producer(bootstrap, true)) {
            // Warm-up, not reported: the audit service's JIT and the producer's connections.
            int warmup = Math.min(10_000, Math.max(500, events / 10));
            Run w = produceAndWait(producer, codec, db, warmup, 1, "bench-warmup", false, Duration.ofMinutes(10));
            System.out.printf(Locale.ROOT, "warm-up: %d events stored in %.1f s (not reported)%n", warmup, w.stored);

            // Live: sent while the ingestor runs, timed from the first send (the load generator shares the cores).
            Run live = produceAndWait(producer, codec, db, events, tenants, LIVE_PREFIX, false, Duration.ofMinutes(60));
            long liveStored = count(db, LIVE_PREFIX);
            long drained = liveStored - live.storedWhenProduced;
            double drainSeconds = live.stored - live.produced;
            System.out.printf(
                    Locale.ROOT,
                    "ingest, live: %d events over %d tenants; produced (all acknowledged) in %.2f s = %.0f/s;"
                            + " stored %d in %.2f s from the first send = %.0f events/s%n",
                    events,
                    tenants,
                    live.produced,
                    events / live.produced,
                    liveStored,
                    live.stored,
                    liveStored / live.stored);
            System.out.printf(
                    Locale.ROOT,
                    "  of which %d were stored while sending and %d from the backlog in the %.2f s after the last"
                            + " acknowledgement = %.0f events/s%n",
                    live.storedWhenProduced,
                    drained,
                    drainSeconds,
                    drained / drainSeconds);
            check(liveStored, events);

            // Backlog: the same number sent in one Kafka transaction, which the ingestor (read_committed) sees
            // only when it commits: timed from the commit, like COPY from a file that is all there.
            Run backlog = produceAndWait(
                    transactional, codec, db, events, tenants, TENANT_PREFIX, true, Duration.ofMinutes(60));
            long stored = count(db, TENANT_PREFIX);
            System.out.printf(
                    Locale.ROOT,
                    "ingest, backlog: %d events over %d tenants sent in one transaction in %.2f s (%d visible before"
                            + " the commit); stored %d in %.2f s from the commit = %.0f events/s%n",
                    events,
                    tenants,
                    backlog.produced,
                    backlog.storedWhenProduced,
                    stored,
                    backlog.stored,
                    stored / backlog.stored);
            check(stored, events);
            out("ingest_events", stored);
            out("ingest_seconds", backlog.stored);
            out("ingest_rate", stored / backlog.stored);
            out("live_seconds", live.stored);
            out("live_rate", liveStored / live.stored);
            out("produce_rate", events / live.produced);
            out("drain_events", drained);
            out("drain_rate", drained / drainSeconds);

            copy(db, dir, stored);
        }
    }

    private static void check(long stored, int events) {
        if (stored != events) {
            throw new IllegalStateException("stored " + stored + " of " + events + " events");
        }
    }

    /**
     * Live: seconds from the first send until every send was acknowledged, and until every event was stored; and
     * how many were stored when the last send was acknowledged. Backlog: seconds spent sending (in the
     * transaction), and from the commit until every event was stored; and how many were stored at the commit.
     */
    private record Run(double produced, double stored, long storedWhenProduced) {}

    /**
     * Sends {@code events} request records for {@code tenants} tenants (the API's own key: the tenant), then
     * waits until each partition's chain in the store has reached the last offset this run wrote to it: the
     * ingestor stores a partition in offset order, so that is the moment every event is stored. The tails are
     * read every 100 ms with one cheap index lookup per partition instead of counting rows each time; the count
     * is checked once at the end. {@code inTransaction}: all sends in one transaction, and the clock starts
     * at its commit.
     */
    private static Run produceAndWait(
            KafkaProducer<String, String> producer,
            EventCodec codec,
            Connection db,
            int events,
            int tenants,
            String prefix,
            boolean inTransaction,
            Duration timeout)
            throws Exception {
        Map<Integer, Long> last = new ConcurrentHashMap<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        String[] names = new String[tenants];
        for (int i = 0; i < tenants; i++) {
            names[i] = tenants == 1 ? prefix : prefix + String.format(Locale.ROOT, "%03d", i);
        }
        SplittableRandom random = new SplittableRandom(42);
        long t0 = System.nanoTime();
        if (inTransaction) {
            producer.beginTransaction();
        }
        for (int i = 0; i < events; i++) {
            String tenant = names[i % tenants];
            String event = codec.write(requestRecord(codec, tenant, i, random));
            producer.send(new ProducerRecord<>(Topics.AUDIT, tenant, event), (meta, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else {
                    last.merge(meta.partition(), meta.offset(), Math::max);
                }
            });
        }
        producer.flush();
        double produced = seconds(t0);
        if (failure.get() != null) {
            throw failure.get();
        }
        long storedWhenProduced = count(db, prefix);
        if (inTransaction) {
            t0 = System.nanoTime();
            producer.commitTransaction();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (PreparedStatement tail = db.prepareStatement("select coalesce(max(kafka_offset), -1) from audit.events"
                + " where topic = 'hostplane.audit' and kafka_partition = ?")) {
            while (true) {
                boolean done = true;
                for (var p : last.entrySet()) {
                    tail.setInt(1, p.getKey());
                    try (ResultSet rs = tail.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) < p.getValue()) {
                            done = false;
                            break;
                        }
                    }
                }
                if (done) {
                    return new Run(produced, seconds(t0), storedWhenProduced);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("events not stored within " + timeout);
                }
                Thread.sleep(100);
            }
        }
    }

    /** A request record as the API writes it: a POST of a DNS record with a job, or a GET, by one token. */
    static CloudEvent requestRecord(EventCodec codec, String tenant, int i, SplittableRandom random) {
        boolean post = i % 4 == 0;
        String zone = "zone" + random.nextInt(50) + "." + tenant + ".test";
        String path = post ? "/api/v1/domains/" + zone + "/dns/records" : "/api/v1/jobs/" + java.util.UUID.randomUUID();
        String requestId = "req_" + Long.toHexString(random.nextLong());
        String jobId = post ? java.util.UUID.randomUUID().toString() : null;
        RequestRecorded data = new RequestRecorded(
                requestId,
                post ? "POST" : "GET",
                path,
                post ? "/api/v1/domains/{name}/dns/records" : "/api/v1/jobs/{id}",
                post ? 202 : 200,
                "tok_" + tenant + "_" + (i % 3),
                "user" + (i % 3) + "@" + tenant + ".example",
                "10.0." + random.nextInt(256) + "." + random.nextInt(256),
                "hostplane-cli/0.1.0 Java-http-client/17.0.15",
                random.nextInt(1, 120),
                jobId);
        return codec.event(
                "/hostplane/api-service", EventTypes.REQUEST_RECORDED, path, tenant, requestId, jobId, null, data);
    }

    private static long count(Connection db, String prefix) throws Exception {
        try (Statement s = db.createStatement();
                ResultSet rs =
                        s.executeQuery("select count(*) from audit.events where tenant like '" + prefix + "%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The same rows COPYed out to files (not timed), then COPYed into scratch tables of the same definition, created
     * {@code like … including all} (same columns, defaults, constraints and indexes; no triggers, not partitioned):
     * the real tables refuse the duplicates. What the ingestor writes per event is a row of {@code audit.events}
     * and, since V3, one of {@code audit.event_ids} (each event once across partitions), so both are COPYed, one
     * after the other; only the COPY in is timed.
     */
    private static void copy(Connection db, Path dir, long expected) throws Exception {
        CopyManager copy = db.unwrap(PGConnection.class).getCopyAPI();
        boolean ids = exists(db, "audit.event_ids");
        String mine = "select source, event_id from audit.events where tenant like '" + TENANT_PREFIX + "%'";
        Path events = dir.resolve("audit-events.copy");
        Path idFile = dir.resolve("audit-event-ids.copy");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(events), 1 << 20)) {
            copy.copyOut(
                    "copy (select * from audit.events where tenant like '" + TENANT_PREFIX
                            + "%' order by seq) to stdout",
                    out);
        }
        if (ids) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(idFile), 1 << 20)) {
                copy.copyOut(
                        "copy (select i.* from audit.event_ids i join (" + mine
                                + ") m using (source, event_id) order by i.stored_at) to stdout",
                        out);
            }
        }
        long bytes = Files.size(events) + (ids ? Files.size(idFile) : 0);
        try (Statement s = db.createStatement()) {
            s.execute("create schema if not exists bench_scratch");
            s.execute("drop table if exists bench_scratch.events, bench_scratch.event_ids");
            s.execute("create table bench_scratch.events (like audit.events including all)");
            if (ids) {
                s.execute("create table bench_scratch.event_ids (like audit.event_ids including all)");
            }
        }
        long t0 = System.nanoTime();
        long rows;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(events), 1 << 20)) {
            rows = copy.copyIn("copy bench_scratch.events from stdin", in);
        }
        double eventSecs = seconds(t0);
        long idRows = 0;
        if (ids) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(idFile), 1 << 20)) {
                idRows = copy.copyIn("copy bench_scratch.event_ids from stdin", in);
            }
        }
        double secs = seconds(t0);
        try (Statement s = db.createStatement()) {
            s.execute("drop schema bench_scratch cascade");
        }
        Files.delete(events);
        Files.deleteIfExists(idFile);
        System.out.printf(
                Locale.ROOT,
                "COPY into same-definition scratch tables (bench_scratch.*, like audit.* including all): %d rows of"
                        + " events%s (%.1f MiB of COPY text) in %.2f s = %.0f events/s (events alone %.2f s ="
                        + " %.0f rows/s)%n",
                rows,
                ids ? " and " + idRows + " of event_ids" : "",
                bytes / 1048576.0,
                secs,
                rows / secs,
                eventSecs,
                rows / eventSecs);
        if (rows != expected || (ids && idRows != expected)) {
            throw new IllegalStateException("COPY loaded " + rows + " and " + idRows + " of " + expected);
        }
        out("copy_rows", rows);
        out("copy_seconds", secs);
        out("copy_rate", rows / secs);
        out("copy_events_rate", rows / eventSecs);
    }

    private static boolean exists(Connection db, String table) throws Exception {
        try (PreparedStatement q = db.prepareStatement("select to_regclass(?) is not null")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** {@code transactional}: a transactional id of its own, transactions initialised. */
    private static KafkaProducer<String, String> producer(String bootstrap, boolean transactional) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, transactional ? "audit-bench-tx" : "audit-bench");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        if (transactional) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "audit-bench-" + System.nanoTime());
            // Sending a large run takes a while; the broker allows up to 15 minutes by default.
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000);
        }
        KafkaProducer<String, String> producer = new KafkaProducer<>(p);
        if (transactional) {
            producer.initTransactions();
        }
        return producer;
    }

    private static Connection connect(String jdbcUrl) throws Exception {
        Properties p = new Properties();
        p.put("user", System.getenv().getOrDefault("PGUSER", "hostplane"));
        p.put("password", System.getenv().getOrDefault("PGPASSWORD", ""));
        Connection c = DriverManager.getConnection(jdbcUrl, p);
        c.setAutoCommit(true);
        return c;
    }
}
