package io.hostplane.bench;

import io.hostplane.api.audit.AuditStoreProbe;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.RequestRecorded;
import io.hostplane.common.topic.Topics;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 6's audit benchmarks, driven by {@code bench/audit.sh} against a platform it started. Each mode prints
 * what it measured and lines {@code @key value} that the script collects into its table.
 *
 * <pre>
 * ingest BOOTSTRAP JDBC_URL EVENTS TENANTS DIR   request records straight to hostplane.audit, timed until stored:
 *                                                sent live, then as a backlog made visible at once (one Kafka
 *                                                transaction); the backlog's rows COPYed into same-definition
 *                                                scratch tables
 * replay API TOKEN_FILE TARGET_JSON             a replay job, timed from 202 to succeeded
 * query API TOKEN_FILE TENANTS FIRST_DAY DAYS COUNT WARMUP   GET /audit/events for random (tenant, day) pairs
 * </pre>
 *
 * The database password is read from {@code PGPASSWORD} (user {@code PGUSER}, default {@code hostplane}); it is
 * never printed.
 */
public final class AuditBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** The tenants of the measured events: bench-t000, bench-t001, … */
    static final String TENANT_PREFIX = "bench-t";
    /** The tenants of the events ingested live (sent while the ingestor runs): bench-l000, … */
    static final String LIVE_PREFIX = "bench-l";

    private AuditBench() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "ingest" ->
                ingest(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Path.of(args[5]));
            case "replay" -> replay(args[1], Files.readString(Path.of(args[2])).trim(), args[3]);
            case "query" ->
                query(
                        args[1],
                        Files.readString(Path.of(args[2])).trim(),
                        Integer.parseInt(args[3]),
                        LocalDate.parse(args[4]),
                        Integer.parseInt(args[5]),
                        Integer.parseInt(args[6]),
                        Integer.parseInt(args[7]),
                        args.length > 8 ? args[8] : null);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Ingest beside COPY

    static void ingest(String bootstrap, String jdbcUrl, int events, int tenants, Path dir) throws Exception {
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

    // ---------------------------------------------------------------------------------------------------------
    // 2. Replay

    static void replay(String api, String token, String target) throws Exception {
        String body = "{\"topics\":[\"hostplane.audit\"],\"target\":" + target + "}";
        long t0 = System.nanoTime();
        HttpResponse<String> accepted = HTTP.send(
                request(api + "/audit/replays", token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException("replay: " + accepted.statusCode() + " " + accepted.body());
        }
        double acceptedAfter = seconds(t0);
        long t1 = System.nanoTime();
        String id = JSON.readTree(accepted.body()).path("data").path("id").asString();
        long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
        // Long polls, as an integrator (and the CLI's jobs watch) waits: each is held until the job has ended
        // (until=terminal), or answers 304 after 30 s if nothing changed since the state last seen (its ETag), so the
        // end is seen at once, with one request per 30 s rather than a busy loop that would take CPU from the replay
        // it measures.
        JsonNode job;
        String etag = null;
        while (true) {
            HttpRequest.Builder get = request(api + "/jobs/" + id + "?wait=30s&until=terminal", token)
                    .GET();
            if (etag != null) {
                get.header("If-None-Match", etag);
            }
            HttpResponse<String> r = HTTP.send(get.build(), HttpResponse.BodyHandlers.ofString());
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("replay job " + id + " still not finished: " + r.statusCode());
            }
            if (r.statusCode() == 304) {
                continue;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET /jobs/" + id + ": " + r.statusCode() + " " + r.body());
            }
            etag = r.headers().firstValue("ETag").orElse(null);
            job = JSON.readTree(r.body()).path("data");
            String status = job.path("status").asString("");
            if (status.equals("succeeded")) {
                break;
            }
            if (status.equals("failed") || status.equals("cancelled")) {
                throw new IllegalStateException("replay job " + id + " ended " + status + ": " + r.body());
            }
        }
        double secs = seconds(t1);
        JsonNode result = job.path("result");
        long read = result.path("records_read").asLong();
        long written = result.path("records_written").asLong();
        double ran = Double.NaN;
        if (job.hasNonNull("started_at") && job.hasNonNull("finished_at")) {
            ran = Duration.between(
                                    Instant.parse(job.path("started_at").asString()),
                                    Instant.parse(job.path("finished_at").asString()))
                            .toMillis()
                    / 1000.0;
        }
        System.out.printf(
                Locale.ROOT,
                "replay %s: 202 after %.2f s; 202 -> succeeded visible %.2f s; records_in_range %d, read %d, written"
                        + " %d, unreadable %d, partitions %d -> %.0f records read/s (job's own started_at ->"
                        + " finished_at: %.2f s)%n",
                target,
                acceptedAfter,
                secs,
                result.path("records_in_range").asLong(),
                read,
                written,
                result.path("unreadable").asLong(),
                result.path("partitions").asLong(),
                read / secs,
                ran);
        out("replay_read", read);
        out("replay_written", written);
        out("replay_seconds", secs);
        out("replay_rate", read / secs);
        out("replay_job_seconds", ran);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Query latency

    /**
     * One client, closed loop: {@code count} requests {@code GET /audit/events?tenant=…&from=<day>&to=<day+1>
     * &limit=50} for random tenants {@code bench-s0000…} (and the export tenant) and random days of the synthetic
     * range, after {@code warmup} requests that are not counted.
     */
    static void query(
            String api, String token, int tenants, LocalDate firstDay, int days, int count, int warmup, String jdbcUrl)
            throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        long[] nanos = new long[count];
        long items = 0;
        int errors = 0;
        long t0 = 0;
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = -warmup; i < count; i++) {
            if (i == 0) {
                t0 = System.nanoTime();
            }
            int t = random.nextInt(tenants);
            String tenant = t == tenants - 1 ? "bench-export" : String.format(Locale.ROOT, "bench-s%04d", t);
            LocalDate day = firstDay.plusDays(random.nextInt(days));
            String url = api + "/audit/events?limit=50&tenant=" + enc(tenant) + "&from="
                    + enc(day.atStartOfDay(ZoneOffset.UTC).toInstant().toString()) + "&to="
                    + enc(day.plusDays(1)
                            .atStartOfDay(ZoneOffset.UTC)
                            .toInstant()
                            .toString());
            long s = System.nanoTime();
            HttpResponse<String> r = HTTP.send(request(url, token).GET().build(), HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - s;
            if (i >= 0) {
                nanos[i] = took;
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() != 200) {
                    errors++;
                } else {
                    items += JSON.readTree(r.body()).path("data").path("items").size();
                }
            }
        }
        double secs = seconds(t0);
        Arrays.sort(nanos);
        System.out.printf(
                Locale.ROOT,
                "query: %d requests (after %d warm-up), statuses %s, %.1f items per page on average, %.0f requests/s;"
                        + " p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                count,
                warmup,
                statuses,
                (double) items / Math.max(1, count - errors),
                count / secs,
                pct(nanos, 50),
                pct(nanos, 90),
                pct(nanos, 99),
                nanos[count - 1] / 1e6);
        out("query_count", count);
        out("query_errors", errors);
        out("query_items", (double) items / Math.max(1, count - errors));
        out("query_p50", pct(nanos, 50));
        out("query_p90", pct(nanos, 90));
        out("query_p99", pct(nanos, 99));
        out("query_max", nanos[count - 1] / 1e6);

        // The same loop against the cheapest authenticated endpoint: what any request costs on this machine.
        long[] hello = new long[count];
        int helloErrors = 0;
        for (int i = -warmup; i < count; i++) {
            long s = System.nanoTime();
            HttpResponse<String> r = HTTP.send(
                    request(api + "/system/hello", token).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (i >= 0) {
                hello[i] = System.nanoTime() - s;
                helloErrors += r.statusCode() == 200 ? 0 : 1;
            }
        }
        Arrays.sort(hello);
        System.out.printf(
                Locale.ROOT,
                "baseline GET /system/hello, same loop: %d requests, %d non-200; p50 %.1f ms, p99 %.1f ms%n",
                count,
                helloErrors,
                pct(hello, 50),
                pct(hello, 99));
        out("hello_p50", pct(hello, 50));
        out("hello_p99", pct(hello, 99));

        if (jdbcUrl != null) {
            sqlDirect(jdbcUrl, tenants, firstDay, days, count, warmup);
        }
    }

    /**
     * The same (tenant, day) pairs (same seed) through the API's own query code ({@code AuditEventStore.find}, via
     * {@link AuditStoreProbe}) on one connection, as the owner: the store's share of the request, measured from a
     * client on the same machine at the same moment.
     */
    private static void sqlDirect(String jdbcUrl, int tenants, LocalDate firstDay, int days, int count, int warmup)
            throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        long[] nanos = new long[count];
        try (AuditStoreProbe store = new AuditStoreProbe(
                jdbcUrl.replaceFirst("^jdbc:", "r2dbc:"),
                System.getenv().getOrDefault("PGUSER", "hostplane"),
                System.getenv().getOrDefault("PGPASSWORD", ""))) {
            for (int i = -warmup; i < count; i++) {
                int t = random.nextInt(tenants);
                String tenant = t == tenants - 1 ? "bench-export" : String.format(Locale.ROOT, "bench-s%04d", t);
                LocalDate day = firstDay.plusDays(random.nextInt(days));
                long s = System.nanoTime();
                store.firstPage(
                        tenant,
                        day.atStartOfDay().toInstant(ZoneOffset.UTC),
                        day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                        50);
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - s;
                }
            }
        }
        Arrays.sort(nanos);
        System.out.printf(
                Locale.ROOT,
                "the API's query code (AuditEventStore.find), same pairs, 1 connection: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                pct(nanos, 50),
                pct(nanos, 99),
                nanos[count - 1] / 1e6);
        out("sql_p50", pct(nanos, 50));
        out("sql_p99", pct(nanos, 99));
    }

    // ---------------------------------------------------------------------------------------------------------

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

    private static HttpRequest.Builder request(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static double pct(long[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void out(String key, double value) {
        String line = String.format(
                Locale.ROOT,
                "@%s %s",
                key,
                value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.3f", value));
        System.out.println(line);
    }
}
