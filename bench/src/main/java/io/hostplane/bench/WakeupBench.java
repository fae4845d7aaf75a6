package io.hostplane.bench;

import static io.hostplane.bench.BenchSupport.authorized;

import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Issue 17, item 2: how long after a fold commits on replica A a long poll held by replica B is answered. Run by
 * {@code bench/wakeups.sh}, against a platform without workers (replica A, which folds every job event) and a second
 * API replica (B, which folds none), both with the once-a-second sweep set to an hour.
 *
 * <p>One job at a time: {@code POST /domains} on A (a {@code domain.create} job that stays queued: no worker), long
 * polls {@code ?wait=30s&until=terminal} on A and on B, and once both replicas count the job as waited on
 * ({@code hostplane_jobs_waited_on} on {@code /actuator/prometheus}) the bench, playing the worker, sends the job's
 * {@code failed} event to {@code hostplane.job-events}. A folds it. The moment of the commit is when this process's
 * own {@code LISTEN} on the replicas' channel hears the fold's notification (PostgreSQL sends it at the commit, to
 * every listener alike: this one and B's); from there, the time until each long poll's answer has arrived.
 *
 * <p>Usage: {@code WakeupBench URL_A URL_B TOKEN_FILE WARMUP_JOBS JOBS MAX_SECONDS KAFKA JDBC_URL}. Bounded: at most
 * WARMUP_JOBS + JOBS jobs, and nothing new is started after MAX_SECONDS. With {@code -Dbench.results=FILE} the
 * figures are appended to FILE as {@code KEY.metric value} lines ({@code -Dbench.key}, default {@code wakeups}).
 */
public final class WakeupBench {

    private static final Pattern ID = Pattern.compile("\"data\":\\{\"id\":\"([0-9a-f-]{36})\"");
    private static final Pattern TENANT = Pattern.compile("\"tenant\":\"([^\"]+)\"");
    private static final String CHANNEL = "hostplane_jobs";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private WakeupBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 8) {
            System.err.println("usage: WakeupBench URL_A URL_B TOKEN_FILE WARMUP_JOBS JOBS MAX_SECONDS KAFKA JDBC_URL");
            System.exit(2);
        }
        String a = args[0];
        String b = args[1];
        String token = Files.readString(Path.of(args[2])).trim();
        int warmup = Integer.parseInt(args[3]);
        int jobs = Integer.parseInt(args[4]);
        long deadline =
                System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[5])).toNanos();
        if (System.getProperty("bench.key") == null) {
            System.setProperty("bench.key", "wakeups");
        }
        EventCodec codec = new EventCodec();
        Map<String, Long> commits = new ConcurrentHashMap<>();
        String run = Long.toString(System.currentTimeMillis(), 36);
        // The local stack's own login (DESIGN.md, "The local stack"); override for another database.
        try (Connection listener = DriverManager.getConnection(
                        args[7],
                        System.getProperty("bench.db.user", "hostplane"),
                        System.getProperty("bench.db.password", "hostplane"));
                KafkaProducer<String, String> producer = producer(args[6])) {
            try (Statement s = listener.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
            }
            Thread hearing = new Thread(() -> hear(listener, commits), "wakeups-listen");
            hearing.setDaemon(true);
            hearing.start();

            List<long[]> samples = new ArrayList<>();
            int skipped = 0;
            for (int i = 0; i < warmup + jobs && System.nanoTime() < deadline; i++) {
                long[] sample = oneJob(a, b, token, codec, producer, commits, run + "-" + i);
                if (sample == null) {
                    skipped++;
                } else if (i >= warmup) {
                    samples.add(sample);
                }
            }
            report(samples, skipped, warmup);
        }
    }

    /**
     * One job through both replicas: {sent → commit, commit → A's answer, commit → B's answer} in microseconds, or
     * null if the run could not be measured (a wait not seen registered, an answer that was not the failure).
     */
    private static long[] oneJob(
            String a,
            String b,
            String token,
            EventCodec codec,
            KafkaProducer<String, String> producer,
            Map<String, Long> commits,
            String name)
            throws Exception {
        HttpResponse<String> created = BenchSupport.HTTP.send(
                authorized(a + "/api/v1/domains", token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"wake-" + name + ".test\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher id = ID.matcher(created.body());
        Matcher tenant = TENANT.matcher(created.body());
        if (created.statusCode() != 202 || !id.find() || !tenant.find()) {
            throw new IllegalStateException("POST /domains: " + created.statusCode() + " " + created.body());
        }
        String job = id.group(1);
        CompletableFuture<Long> onA = answered(a, job, token);
        CompletableFuture<Long> onB = answered(b, job, token);
        boolean held = waitedOn(a) && waitedOn(b);
        long sent = System.nanoTime();
        producer.send(new ProducerRecord<>(
                        Topics.JOB_EVENTS,
                        job,
                        codec.write(codec.event(
                                "/bench/wakeups",
                                EventTypes.job(JobStatus.FAILED),
                                "domains/wake-" + name + ".test",
                                tenant.group(1),
                                null,
                                job,
                                null,
                                new JobStateChanged(
                                        job,
                                        "domain.create",
                                        JobStatus.FAILED,
                                        1,
                                        List.of(),
                                        new JobError("BENCH", "Ended by bench/wakeups.sh."),
                                        null)))))
                .get(10, TimeUnit.SECONDS);
        long atA = onA.get(WAIT.toSeconds() + 15, TimeUnit.SECONDS);
        long atB = onB.get(WAIT.toSeconds() + 15, TimeUnit.SECONDS);
        Long commit = null;
        String key = encoded(UUID.fromString(job));
        for (int i = 0; i < 500 && (commit = commits.remove(key)) == null; i++) {
            Thread.sleep(10);
        }
        if (!held || atA < 0 || atB < 0 || commit == null) {
            return null;
        }
        return new long[] {(commit - sent) / 1000, (atA - commit) / 1000, (atB - commit) / 1000};
    }

    /** When the long poll's answer arrived (nanoTime), or -1 if it did not show the job failed. */
    private static CompletableFuture<Long> answered(String base, String job, String token) {
        return BenchSupport.HTTP
                .sendAsync(
                        authorized(
                                        base + "/api/v1/jobs/" + job + "?wait=" + WAIT.toSeconds() + "s&until=terminal",
                                        token)
                                .timeout(WAIT.plusSeconds(10))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> {
                    long at = System.nanoTime();
                    return r.statusCode() == 200 && r.body().contains("\"status\":\"failed\"") ? at : -1L;
                });
    }

    /** Whether the replica counts a job as waited on (its long poll has registered), looking for up to 10 s. */
    private static boolean waitedOn(String base) throws Exception {
        HttpRequest metrics = HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                .GET()
                .build();
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            for (String line : BenchSupport.HTTP
                    .send(metrics, HttpResponse.BodyHandlers.ofString())
                    .body()
                    .split("\n")) {
                if (line.startsWith("hostplane_jobs_waited_on")
                        && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= 1) {
                    return true;
                }
            }
            Thread.sleep(2);
        }
        return false;
    }

    /** Notes when each job was first named by a notification (the moment its fold committed, as heard here). */
    private static void hear(Connection listener, Map<String, Long> commits) {
        try {
            PGConnection pg = listener.unwrap(PGConnection.class);
            while (!Thread.currentThread().isInterrupted()) {
                PGNotification[] heard = pg.getNotifications(100);
                long now = System.nanoTime();
                if (heard == null) {
                    continue;
                }
                for (PGNotification notification : heard) {
                    // The replicas' payload: "<replica id>:" then 22 characters per job (JobNotifications).
                    String payload = notification.getParameter();
                    for (int at = payload.indexOf(':') + 1; at + 22 <= payload.length(); at += 22) {
                        commits.putIfAbsent(payload.substring(at, at + 22), now);
                    }
                }
            }
        } catch (Exception e) {
            System.err.println("wakeups: listening stopped: " + e);
        }
    }

    /** A job id as the replicas' notifications name it: base64url of its 16 bytes, 22 characters. */
    private static String encoded(UUID job) {
        ByteBuffer bytes =
                ByteBuffer.allocate(16).putLong(job.getMostSignificantBits()).putLong(job.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class));
    }

    private static void report(List<long[]> samples, int skipped, int warmup) {
        System.out.printf(
                Locale.ROOT,
                "%d jobs measured (after %d warm-up jobs), %d not measured (a wait not seen held, or no answer)%n",
                samples.size(),
                warmup,
                skipped);
        String[] spans = {
            "event sent -> fold committed on A (heard by a listener)",
            "fold committed -> answer of the long poll on A (same replica)",
            "fold committed -> answer of the long poll on B (other replica)"
        };
        String[] keys = {"sent_to_commit", "commit_to_a", "commit_to_b"};
        System.out.printf(
                Locale.ROOT, "%n| span | p50 ms | p90 ms | p99 ms | max ms |%n| --- | ---: | ---: | ---: | ---: |%n");
        for (int s = 0; s < spans.length; s++) {
            long[] sorted = new long[samples.size()];
            for (int i = 0; i < sorted.length; i++) {
                sorted[i] = samples.get(i)[s];
            }
            java.util.Arrays.sort(sorted);
            double p50 = BenchSupport.percentile(sorted, 0.50) / 1000.0;
            double p90 = BenchSupport.percentile(sorted, 0.90) / 1000.0;
            double p99 = BenchSupport.percentile(sorted, 0.99) / 1000.0;
            double max = sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0;
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |%n", spans[s], p50, p90, p99, max);
            JobBench.result(keys[s] + "_p50_ms", p50);
            JobBench.result(keys[s] + "_p99_ms", p99);
        }
        long[] other = samples.stream().mapToLong(x -> x[2]).sorted().toArray();
        double p99 = BenchSupport.percentile(other, 0.99) / 1000.0;
        JobBench.result("measured", samples.size());
        System.out.printf(
                Locale.ROOT,
                "%ntarget: fold committed -> answer on the other replica, p99 <= 50 ms: %.1f ms, %s%n",
                p99,
                samples.isEmpty() ? "not measured" : p99 <= 50 ? "met" : "NOT met");
    }
}
