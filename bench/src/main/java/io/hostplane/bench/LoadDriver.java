package io.hostplane.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A closed-loop HTTP load driver: {@code concurrency} threads each send one request, wait for the answer,
 * and send the next, until {@code duration} has passed or {@code maxRequests} were sent. Every loop is
 * bounded in count and time, and it only talks to the URL it is given (loopback in {@code bench/run.sh}).
 *
 * <pre>java -cp bench/target/classes io.hostplane.bench.LoadDriver URL TOKEN_FILE [SECONDS] [CONCURRENCY]</pre>
 */
public final class LoadDriver {

    /** One scenario's outcome. */
    record Result(String name, long requests, long errors, double seconds, long p50Micros, long p99Micros) {
        double perSecond() {
            return requests / seconds;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println(
                    "usage: LoadDriver URL TOKEN_FILE [SECONDS] [CONCURRENCY] [MAX_REQUESTS] [LIMITED_TOKEN_FILE]");
            System.exit(2);
        }
        String base = args[0];
        String token = Files.readString(Path.of(args[1])).trim();
        Duration duration = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 15);
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        long maxRequests = args.length > 4 ? Long.parseLong(args[4]) : 2_000_000;
        String limited = args.length > 5 ? Files.readString(Path.of(args[5])).trim() : null;
        LoadDriver driver = new LoadDriver();
        String run = Long.toString(System.currentTimeMillis(), 36);

        Map<String, LongFunction<HttpRequest>> scenarios = new LinkedHashMap<>();
        scenarios.put(
                "GET /api/v1/oauth/scopes (public)",
                n -> HttpRequest.newBuilder(URI.create(base + "/api/v1/oauth/scopes"))
                        .GET()
                        .build());
        scenarios.put(
                "GET /api/v1/system/hello (token)",
                n -> BenchSupport.authorized(base + "/api/v1/system/hello", token)
                        .GET()
                        .build());
        if (limited != null) {
            scenarios.put(
                    "GET /api/v1/system/hello (token over its limit: 429)",
                    n -> BenchSupport.authorized(base + "/api/v1/system/hello", limited)
                            .GET()
                            .build());
        }
        scenarios.put(
                "POST /api/v1/domains/example.test/dns/records (job)",
                n -> BenchSupport.authorized(base + "/api/v1/domains/example.test/dns/records", token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"b" + run + "-" + n
                                + "\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.1\"}"))
                        .build());

        List<Result> results = new ArrayList<>();
        for (var scenario : scenarios.entrySet()) {
            driver.run(
                    scenario.getKey(), scenario.getValue(), Duration.ofSeconds(5), concurrency, maxRequests); // warm-up
            results.add(driver.run(scenario.getKey(), scenario.getValue(), duration, concurrency, maxRequests));
        }
        print(results, concurrency, duration);
    }

    Result run(String name, LongFunction<HttpRequest> request, Duration duration, int concurrency, long maxRequests)
            throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        AtomicLong issued = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(concurrency);
        long started = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            long[] mine = new long[1 << 20];
            latencies.add(mine);
            counts.add(0);
            int slot = t;
            Thread worker = new Thread(() -> {
                int n = 0;
                try {
                    while (System.nanoTime() < end) {
                        long id = issued.getAndIncrement();
                        if (id >= maxRequests) {
                            break;
                        }
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<Void> response =
                                    http.send(request.apply(id), HttpResponse.BodyHandlers.discarding());
                            if (response.statusCode() >= 300 && response.statusCode() != 304) {
                                errors.incrementAndGet();
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        }
                        if (n < mine.length) {
                            mine[n++] = (System.nanoTime() - t0) / 1000;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    synchronized (counts) {
                        counts.set(slot, n);
                    }
                    done.countDown();
                }
            });
            worker.start();
        }
        done.await();
        double seconds = (System.nanoTime() - started) / 1e9;
        int total = counts.stream().mapToInt(Integer::intValue).sum();
        long[] all = new long[total];
        int k = 0;
        for (int t = 0; t < concurrency; t++) {
            System.arraycopy(latencies.get(t), 0, all, k, counts.get(t));
            k += counts.get(t);
        }
        java.util.Arrays.sort(all);
        return new Result(
                name,
                total,
                errors.get(),
                seconds,
                BenchSupport.percentile(all, 0.50),
                BenchSupport.percentile(all, 0.99));
    }

    static void print(List<Result> results, int concurrency, Duration duration) {
        System.out.printf(
                Locale.ROOT, "%n%d client threads, %d s per scenario, loopback%n%n", concurrency, duration.toSeconds());
        System.out.printf(Locale.ROOT, "| scenario | requests | non-2xx | requests/s | p50 ms | p99 ms |%n");
        System.out.printf(Locale.ROOT, "| --- | ---: | ---: | ---: | ---: | ---: |%n");
        for (Result r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %d | %.0f | %.2f | %.2f |%n",
                    r.name(),
                    r.requests(),
                    r.errors(),
                    r.perSecond(),
                    r.p50Micros() / 1000.0,
                    r.p99Micros() / 1000.0);
        }
        if (results.size() >= 2
                && results.get(0).perSecond() > 0
                && results.get(1).name().contains("hello")) {
            System.out.printf(
                    Locale.ROOT,
                    "%nauthenticated / unauthenticated throughput: %.2f%n",
                    results.get(1).perSecond() / results.get(0).perSecond());
        }
    }
}
