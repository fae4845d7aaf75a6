package io.hostplane.bench;

import static io.hostplane.bench.BenchSupport.HTTP;
import static io.hostplane.bench.BenchSupport.JSON;
import static io.hostplane.bench.BenchSupport.authorized;
import static io.hostplane.bench.BenchSupport.millis;
import static io.hostplane.bench.BenchSupport.out;
import static io.hostplane.bench.BenchSupport.seconds;

import io.hostplane.api.audit.AuditStoreProbe;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@link AuditBench}'s {@code query} mode: latencies of {@code GET /audit/events} for random (tenant, day) pairs of
 * the synthetic rows {@code bench/audit.sh} inserted, beside {@code GET /system/hello} and, given a JDBC URL, the
 * API's own query code on one connection.
 */
final class AuditQueryBench {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private AuditQueryBench() {}

    /**
     * One client, closed loop: {@code count} requests {@code GET /audit/events?tenant=…&from=<day>&to=<day+1>
     * &limit=50} for random tenants {@code bench-s0000…} (and the export tenant) and random days of the synthetic
     * range, after {@code warmup} requests that are not counted.
     */
    static void run(
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
            HttpResponse<String> r = HTTP.send(
                    authorized(url, token).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
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
                millis(nanos, 0.50),
                millis(nanos, 0.90),
                millis(nanos, 0.99),
                nanos[count - 1] / 1e6);
        out("query_count", count);
        out("query_errors", errors);
        out("query_items", (double) items / Math.max(1, count - errors));
        out("query_p50", millis(nanos, 0.50));
        out("query_p90", millis(nanos, 0.90));
        out("query_p99", millis(nanos, 0.99));
        out("query_max", nanos[count - 1] / 1e6);

        // The same loop against the cheapest authenticated endpoint: what any request costs on this machine.
        long[] hello = new long[count];
        int helloErrors = 0;
        for (int i = -warmup; i < count; i++) {
            long s = System.nanoTime();
            HttpResponse<String> r = HTTP.send(
                    authorized(api + "/system/hello", token)
                            .timeout(TIMEOUT)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
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
                millis(hello, 0.50),
                millis(hello, 0.99));
        out("hello_p50", millis(hello, 0.50));
        out("hello_p99", millis(hello, 0.99));

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
                millis(nanos, 0.50),
                millis(nanos, 0.99),
                nanos[count - 1] / 1e6);
        out("sql_p50", millis(nanos, 0.50));
        out("sql_p99", millis(nanos, 0.99));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
