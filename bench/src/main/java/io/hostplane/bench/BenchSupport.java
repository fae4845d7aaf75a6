package io.hostplane.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the benchmark drivers share: one HTTP client, authenticated requests, nearest-rank percentiles, seconds
 * elapsed, and the number format of the figures they print ({@code @key value} lines, read by the scripts) or record
 * ({@link JobBench#result}).
 */
final class BenchSupport {

    /** HTTP/1.1, connections within 5 s; each driver runs in a JVM of its own, so this is one client per run. */
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static final JsonMapper JSON = JsonMapper.builder().build();

    private BenchSupport() {}

    /** A request to {@code url} with {@code Authorization: Bearer token}; the caller adds the method. */
    static HttpRequest.Builder authorized(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
    }

    /** The nearest-rank {@code p} (0 to 1) percentile of {@code sorted}, in its unit; 0 if it is empty. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** {@link #percentile} of nanoseconds, in milliseconds. */
    static double millis(long[] sortedNanos, double p) {
        return percentile(sortedNanos, p) / 1e6;
    }

    /** Seconds since {@code since} (a {@link System#nanoTime()}). */
    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** A figure as the scripts read it: a whole number without decimals, any other with three. */
    static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.3f", value);
    }

    /** Prints {@code @key value}, the line a script picks a figure from ({@code val key file} in bench/audit.sh). */
    static void out(String key, double value) {
        System.out.println(String.format(Locale.ROOT, "@%s %s", key, number(value)));
    }
}
