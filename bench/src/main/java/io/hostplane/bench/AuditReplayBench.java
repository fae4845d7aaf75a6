package io.hostplane.bench;

import static io.hostplane.bench.BenchSupport.HTTP;
import static io.hostplane.bench.BenchSupport.JSON;
import static io.hostplane.bench.BenchSupport.authorized;
import static io.hostplane.bench.BenchSupport.out;
import static io.hostplane.bench.BenchSupport.seconds;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * {@link AuditBench}'s {@code replay} mode: {@code POST /audit/replays} of {@code hostplane.audit} into a target,
 * timed from the 202 until the job is seen {@code succeeded}.
 */
final class AuditReplayBench {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private AuditReplayBench() {}

    static void run(String api, String token, String target) throws Exception {
        String body = "{\"topics\":[\"hostplane.audit\"],\"target\":" + target + "}";
        long t0 = System.nanoTime();
        HttpResponse<String> accepted = HTTP.send(
                authorized(api + "/audit/replays", token)
                        .timeout(TIMEOUT)
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
            HttpRequest.Builder get = authorized(api + "/jobs/" + id + "?wait=30s&until=terminal", token)
                    .timeout(TIMEOUT)
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
}
