package io.hostplane.bench;

import static io.hostplane.bench.BenchSupport.HTTP;
import static io.hostplane.bench.BenchSupport.authorized;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The job benchmarks (issues 4 and 16), against a running platform on loopback. Every loop is bounded in count
 * and time.
 *
 * <ul>
 *   <li>{@code polling URL TOKEN_FILE SECONDS CONCURRENCY}: {@code GET /jobs/{id}} of a finished job, as a 200
 *       and as a 304 ({@code If-None-Match}), beside the public {@code GET /oauth/scopes};
 *   <li>{@code hello URL TOKEN_FILE SECONDS CONCURRENCY}: authenticated {@code GET /system/hello} per second,
 *       closed loop: the reference the job figures are compared with;
 *   <li>{@code accept URL TOKEN_FILE SECONDS CONCURRENCY}: job acceptances (202) per second, closed loop;
 *   <li>{@code serial URL TOKEN_FILE COUNT SECONDS}: one client, one job at a time on an otherwise idle
 *       platform: time to the 202, and from the 202 to {@code succeeded} visible;
 *   <li>{@code latency URL TOKEN_FILE RATE SECONDS}: open loop at RATE jobs/s; for each job, the time from
 *       sending the request to seeing {@code succeeded} at {@code GET /jobs/{id}?wait=…&until=terminal};
 *   <li>{@code offer URL TOKEN_FILE RATE SECONDS}: open loop at RATE jobs/s that only submits (nobody waits
 *       for the jobs; the caller watches the backlog): acceptances per second and time to the 202.
 * </ul>
 *
 * <p>With {@code -Dbench.results=FILE} each mode also appends {@code KEY.metric value} lines to FILE
 * ({@code -Dbench.key=KEY}, default the mode), which {@code bench/jobs.sh} reads for its summary.
 */
public final class JobBench {

    static final Pattern ID = Pattern.compile("\"data\":\\{\"id\":\"([0-9a-f-]{36})\"");

    private JobBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: JobBench polling|hello|accept URL TOKEN_FILE SECONDS CONCURRENCY\n"
                    + "       JobBench serial URL TOKEN_FILE COUNT SECONDS\n"
                    + "       JobBench latency|offer URL TOKEN_FILE RATE SECONDS");
            System.exit(2);
        }
        String base = args[1];
        String token = Files.readString(Path.of(args[2])).trim();
        switch (args[0]) {
            case "polling" ->
                polling(base, token, Duration.ofSeconds(Long.parseLong(args[3])), Integer.parseInt(args[4]));
            case "accept" ->
                accept(base, token, Duration.ofSeconds(Long.parseLong(args[3])), Integer.parseInt(args[4]));
            case "latency" ->
                latency(base, token, Integer.parseInt(args[3]), Duration.ofSeconds(Long.parseLong(args[4])));
            case "hello" -> hello(base, token, Duration.ofSeconds(Long.parseLong(args[3])), Integer.parseInt(args[4]));
            case "serial" ->
                serial(base, token, Integer.parseInt(args[3]), Duration.ofSeconds(Long.parseLong(args[4])));
            case "offer" -> offer(base, token, Integer.parseInt(args[3]), Duration.ofSeconds(Long.parseLong(args[4])));
            default -> {
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
            }
        }
    }

    static void polling(String base, String token, Duration duration, int concurrency) throws Exception {
        String job = createAndFinish(base, token);
        HttpResponse<String> first =
                HTTP.send(get(base + "/api/v1/jobs/" + job, token), HttpResponse.BodyHandlers.ofString());
        String etag = first.headers().firstValue("ETag").orElseThrow();
        LoadDriver driver = new LoadDriver();
        List<LoadDriver.Result> results = new ArrayList<>();
        record Scenario(String name, java.util.function.LongFunction<HttpRequest> request) {}
        List<Scenario> scenarios = List.of(
                new Scenario(
                        "GET /api/v1/oauth/scopes (public)",
                        n -> HttpRequest.newBuilder(URI.create(base + "/api/v1/oauth/scopes"))
                                .GET()
                                .build()),
                new Scenario("GET /api/v1/jobs/{id} (200)", n -> get(base + "/api/v1/jobs/" + job, token)),
                new Scenario(
                        "GET /api/v1/jobs/{id} If-None-Match (304)",
                        n -> authorized(base + "/api/v1/jobs/" + job, token)
                                .header("If-None-Match", etag)
                                .GET()
                                .build()));
        for (Scenario s : scenarios) {
            driver.run(s.name(), s.request(), Duration.ofSeconds(5), concurrency, 2_000_000); // warm-up
            results.add(driver.run(s.name(), s.request(), duration, concurrency, 2_000_000));
        }
        LoadDriver.print(results, concurrency, duration);
    }

    static void accept(String base, String token, Duration duration, int concurrency) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        LoadDriver driver = new LoadDriver();
        java.util.function.LongFunction<HttpRequest> create = n -> createRequest(base, token, "a" + run + "-" + n);
        driver.run("warm-up", create, Duration.ofSeconds(5), concurrency, 2_000_000);
        LoadDriver.Result r = driver.run("POST …/dns/records (202)", create, duration, concurrency, 2_000_000);
        LoadDriver.print(List.of(r), concurrency, duration);
        results(r);
    }

    /** Authenticated {@code GET /system/hello}, closed loop, after a 5 s warm-up. */
    static void hello(String base, String token, Duration duration, int concurrency) throws Exception {
        LoadDriver driver = new LoadDriver();
        java.util.function.LongFunction<HttpRequest> hello = n -> get(base + "/api/v1/system/hello", token);
        driver.run("warm-up", hello, Duration.ofSeconds(5), concurrency, 2_000_000);
        LoadDriver.Result r = driver.run("GET /api/v1/system/hello (token)", hello, duration, concurrency, 2_000_000);
        LoadDriver.print(List.of(r), concurrency, duration);
        results(r);
    }

    private static void results(LoadDriver.Result r) {
        result("requests", r.requests());
        result("errors", r.errors());
        result("per_second", r.perSecond());
        result("p50_ms", r.p50Micros() / 1000.0);
        result("p99_ms", r.p99Micros() / 1000.0);
    }

    /**
     * One client, one job at a time, each after the previous one succeeded and a pause of 100 ms (so that the
     * platform is idle when the next one arrives). The first jobs warm up and are not counted.
     */
    static void serial(String base, String token, int count, Duration max) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        int warmUp = Math.min(20, Math.max(1, count / 5));
        long deadline = System.nanoTime() + max.toNanos();
        long[] accept = new long[count];
        long[] done = new long[count];
        long[] total = new long[count];
        int n = 0;
        long refused = 0;
        long failed = 0;
        for (int i = 0; i < warmUp + count && n < count && System.nanoTime() < deadline; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response =
                    HTTP.send(createRequest(base, token, "s" + run + "-" + i), HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            Matcher m = ID.matcher(response.body());
            if (response.statusCode() != 202 || !m.find()) {
                refused++;
                continue;
            }
            boolean ok = awaitSucceeded(base, token, m.group(1), t0, deadline + 60_000_000_000L)
                    .get(90, TimeUnit.SECONDS);
            long t2 = System.nanoTime();
            if (!ok) {
                failed++;
            } else if (i >= warmUp) {
                accept[n] = (t1 - t0) / 1000;
                done[n] = (t2 - t1) / 1000;
                total[n] = (t2 - t0) / 1000;
                n++;
            }
            Thread.sleep(100);
        }
        accept = Arrays.copyOf(accept, n);
        done = Arrays.copyOf(done, n);
        total = Arrays.copyOf(total, n);
        Arrays.sort(accept);
        Arrays.sort(done);
        Arrays.sort(total);
        System.out.printf(
                Locale.ROOT,
                "%none client, one job at a time (%d warm-up jobs first): %d jobs measured, refused %d, not succeeded %d%n%n",
                warmUp,
                n,
                refused,
                failed);
        System.out.printf(
                Locale.ROOT, "| span | p50 ms | p90 ms | p99 ms | max ms |%n| --- | ---: | ---: | ---: | ---: |%n");
        printRow("request -> 202 (acceptance)", accept);
        printRow("202 -> succeeded visible", done);
        printRow("request -> succeeded visible", total);
        result("jobs", n);
        result("refused", refused);
        result("failed", failed);
        result("accept_p50_ms", BenchSupport.percentile(accept, 0.50) / 1000.0);
        result("accept_p99_ms", BenchSupport.percentile(accept, 0.99) / 1000.0);
        result("done_p50_ms", BenchSupport.percentile(done, 0.50) / 1000.0);
        result("done_p99_ms", BenchSupport.percentile(done, 0.99) / 1000.0);
    }

    private static void printRow(String name, long[] sorted) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %.1f | %.1f | %.1f |%n",
                name,
                BenchSupport.percentile(sorted, 0.50) / 1000.0,
                BenchSupport.percentile(sorted, 0.90) / 1000.0,
                BenchSupport.percentile(sorted, 0.99) / 1000.0,
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
    }

    /**
     * Open loop that only submits: job i is sent at start + i/RATE (asynchronously, at most 1024 requests in
     * flight; a job due while 1024 are in flight is skipped and counted, so a slow API cannot lower the rate
     * unseen). Nobody waits for the jobs; the caller watches the backlog. Ends at most 30 s after the last
     * job was due.
     */
    static void offer(String base, String token, int rate, Duration duration) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        long total = rate * duration.toSeconds();
        long periodNanos = 1_000_000_000L / rate;
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(1024);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long skipped = 0;
        long start = System.nanoTime() + 100_000_000L;
        for (long i = 0; i < total; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            if (!inFlight.tryAcquire()) {
                skipped++;
                continue;
            }
            HttpRequest request = HttpRequest.newBuilder(
                            createRequest(base, token, "o" + run + "-" + i), (name, value) -> true)
                    .timeout(Duration.ofSeconds(30))
                    .build();
            HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, e) -> {
                inFlight.release();
                if (e != null) {
                    errors.incrementAndGet();
                } else if (response.statusCode() == 202) {
                    accepted.incrementAndGet();
                    latencies.add((System.nanoTime() - due) / 1000);
                } else {
                    refused.incrementAndGet();
                }
            });
        }
        long lastDue = System.nanoTime();
        if (!inFlight.tryAcquire(1024, 30, TimeUnit.SECONDS)) {
            System.out.println("some requests still open 30 s after the last was due");
        }
        double seconds = (lastDue - start) / 1e9;
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "offered %d jobs at %d/s over %.1f s: accepted %d (%.0f/s), refused %d, errors %d, skipped (1024 in"
                        + " flight) %d; due -> 202 p50 %.1f ms, p99 %.1f ms%n",
                total,
                rate,
                seconds,
                accepted.get(),
                accepted.get() / Math.max(seconds, 1e-9),
                refused.get(),
                errors.get(),
                skipped,
                BenchSupport.percentile(sorted, 0.50) / 1000.0,
                BenchSupport.percentile(sorted, 0.99) / 1000.0);
        result("offered", total);
        result("accepted", accepted.get());
        result("refused", refused.get() + errors.get() + skipped);
        result("accept_p50_ms", BenchSupport.percentile(sorted, 0.50) / 1000.0);
        result("accept_p99_ms", BenchSupport.percentile(sorted, 0.99) / 1000.0);
    }

    /** Appends {@code KEY.metric value} to the file named by {@code bench.results}, if any. */
    static synchronized void result(String metric, double value) {
        String file = System.getProperty("bench.results");
        if (file == null || file.isBlank()) {
            return;
        }
        String key = System.getProperty("bench.key", "jobbench");
        try {
            Files.writeString(
                    Path.of(file),
                    String.format(Locale.ROOT, "%s.%s %s%n", key, metric, BenchSupport.number(value)),
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Open loop: job i is due at start + i/RATE whatever the answers do (so slow answers cannot lower the
     * rate, as they would in a closed loop). 128 client threads take due jobs in order, send each when it is
     * due, and follow it with long polls until it succeeds. Latency counts from the due time, so time a job
     * waited for a free client thread counts too (no coordinated omission).
     */
    static void latency(String base, String token, int rate, Duration duration) throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        long total = rate * duration.toSeconds();
        long periodNanos = 1_000_000_000L / rate;
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> afterAccepted = new ConcurrentLinkedQueue<>();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime() + 100_000_000L;
        long giveUp = start + duration.toNanos() + 120_000_000_000L;
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 128; t++) {
            Thread client = new Thread(() -> {
                long i;
                while ((i = next.getAndIncrement()) < total && System.nanoTime() < giveUp) {
                    long due = start + i * periodNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    try {
                        HttpResponse<String> response = HTTP.send(
                                createRequest(base, token, "l" + run + "-" + i), HttpResponse.BodyHandlers.ofString());
                        Matcher m = ID.matcher(response.body());
                        if (response.statusCode() != 202 || !m.find()) {
                            refused.incrementAndGet();
                            continue;
                        }
                        long accepted = System.nanoTime();
                        if (awaitSucceeded(base, token, m.group(1), due, giveUp).get(150, TimeUnit.SECONDS)) {
                            long done = System.nanoTime();
                            latencies.add((done - due) / 1000);
                            afterAccepted.add((done - accepted) / 1000);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        refused.incrementAndGet();
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        long[] done = afterAccepted.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(done);
        System.out.printf(
                Locale.ROOT,
                "%nopen loop: %d jobs due at %d/s over %d s; succeeded %d, refused or errors %d, not done %d%n",
                total,
                rate,
                duration.toSeconds(),
                sorted.length,
                refused.get(),
                failed.get());
        printSpan("due -> succeeded visible at GET /jobs/{id}", sorted);
        printSpan("202 -> succeeded visible at GET /jobs/{id}", done);
        result("due", total);
        result("succeeded", sorted.length);
        result("refused", refused.get());
        result("not_done", failed.get());
        result("p50_ms", BenchSupport.percentile(sorted, 0.50) / 1000.0);
        result("p99_ms", BenchSupport.percentile(sorted, 0.99) / 1000.0);
        result("done_p50_ms", BenchSupport.percentile(done, 0.50) / 1000.0);
        result("done_p99_ms", BenchSupport.percentile(done, 0.99) / 1000.0);
    }

    /** One line: the span's p50, p90, p99 and maximum, from microseconds sorted ascending. */
    private static void printSpan(String span, long[] sorted) {
        System.out.printf(
                Locale.ROOT,
                "%s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                span,
                BenchSupport.percentile(sorted, 0.50) / 1000.0,
                BenchSupport.percentile(sorted, 0.90) / 1000.0,
                BenchSupport.percentile(sorted, 0.99) / 1000.0,
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0);
    }

    /**
     * Long-polls the job ({@code ?wait=20s&until=terminal}: one request for a job that ends within 20 s) until it
     * succeeds (true), ends otherwise or the deadline passes (false).
     */
    static CompletableFuture<Boolean> awaitSucceeded(String base, String token, String job, long t0, long deadline) {
        return HTTP.sendAsync(
                        get(base + "/api/v1/jobs/" + job + "?wait=20s&until=terminal", token),
                        HttpResponse.BodyHandlers.ofString())
                .thenCompose(response -> {
                    String body = response.body();
                    if (body.contains("\"status\":\"succeeded\"")) {
                        return CompletableFuture.completedFuture(true);
                    }
                    if (body.contains("\"status\":\"failed\"")
                            || body.contains("\"status\":\"cancelled\"")
                            || System.nanoTime() > deadline) {
                        return CompletableFuture.completedFuture(false);
                    }
                    return awaitSucceeded(base, token, job, t0, deadline);
                });
    }

    private static String createAndFinish(String base, String token) throws Exception {
        HttpResponse<String> created =
                HTTP.send(createRequest(base, token, "p" + System.nanoTime()), HttpResponse.BodyHandlers.ofString());
        Matcher m = ID.matcher(created.body());
        if (!m.find()) {
            throw new IllegalStateException("no job in " + created.body());
        }
        if (!awaitSucceeded(base, token, m.group(1), System.nanoTime(), System.nanoTime() + 60_000_000_000L)
                .get(70, TimeUnit.SECONDS)) {
            throw new IllegalStateException("job did not succeed");
        }
        return m.group(1);
    }

    private static HttpRequest get(String url, String token) {
        return authorized(url, token).GET().build();
    }

    /** The zones jobs go to, round robin (system property {@code zones}, comma-separated). */
    private static final String[] ZONES =
            System.getProperty("zones", "example.test").split(",");

    private static final AtomicLong NEXT_ZONE = new AtomicLong();

    private static HttpRequest createRequest(String base, String token, String name) {
        return createRequest(base, token, ZONES[(int) (NEXT_ZONE.getAndIncrement() % ZONES.length)], name);
    }

    /** A new A record named {@code name} in {@code zone}: one {@code dns.record.create} job. */
    static HttpRequest createRequest(String base, String token, String zone, String name) {
        return authorized(base + "/api/v1/domains/" + zone + "/dns/records", token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"" + name + "\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.1\"}"))
                .build();
    }
}
