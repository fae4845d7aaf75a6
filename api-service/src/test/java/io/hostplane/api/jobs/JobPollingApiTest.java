package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

/** Polling made cheap: ETag/304 (free of rate limit), Retry-After, ?wait long polls, many ids, filters. */
class JobPollingApiTest extends ApiIntegrationTest {

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    MeterRegistry meters;

    /** The job's ETag as a poller last saw it. */
    private String etagOf(String job) {
        return exchange(HttpMethod.GET, "/api/v1/jobs/" + job, allToken, null, 200)
                .returnResult(String.class)
                .getResponseHeaders()
                .getETag();
    }

    private String newJob(String token) {
        return json(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        token,
                        "{\"name\":\"w" + UUID.randomUUID().toString().substring(0, 6)
                                + "\",\"type\":\"A\",\"content\":\"192.0.2.7\"}",
                        202)
                .path("data")
                .path("id")
                .asString();
    }

    @Test
    void anUnchangedJobIsA304ThatCostsNoRateLimit() {
        String limited = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"*\"],\"rate_limit\":{\"limit\":5,\"period_seconds\":600}}",
                        201)
                .path("data")
                .path("token")
                .asString();
        String job = newJob(allToken);
        var first = http.get()
                .uri("/api/v1/jobs/" + job)
                .header("Authorization", "Bearer " + limited)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .exists("ETag")
                .expectHeader()
                .valueEquals("Retry-After", "2")
                .expectHeader()
                .valueEquals("RateLimit-Remaining", "4")
                .returnResult(String.class);
        String etag = first.getResponseHeaders().getETag();
        for (int i = 0; i < 8; i++) {
            http.get()
                    .uri("/api/v1/jobs/" + job)
                    .header("Authorization", "Bearer " + limited)
                    .header("If-None-Match", etag)
                    .exchange()
                    .expectStatus()
                    .isNotModified()
                    .expectHeader()
                    .valueEquals("ETag", etag)
                    .expectHeader()
                    .exists("X-Request-Id")
                    .expectHeader()
                    .valueEquals("RateLimit-Remaining", "4")
                    .expectBody()
                    .isEmpty();
        }
        sql("update api.jobs set status = 'running', started_at = now(), updated_at = now() where id = ?::uuid", job);
        http.get()
                .uri("/api/v1/jobs/" + job)
                .header("Authorization", "Bearer " + limited)
                .header("If-None-Match", etag)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("RateLimit-Remaining", "3")
                .expectBody()
                .jsonPath("$.data.status")
                .isEqualTo("running");
    }

    @Test
    void waitHoldsUntilTheJobChangesAndAnswersAtOnceForAFinishedJob() throws Exception {
        String job = newJob(allToken);
        CompletableFuture.delayedExecutor(700, TimeUnit.MILLISECONDS)
                .execute(() -> sql(
                        "update api.jobs set status = 'running', started_at = now(), updated_at = now() where id = ?::uuid",
                        job));
        long started = System.nanoTime();
        JsonNode changed = json(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=20s", allToken, null, 200);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(changed.path("data").path("status").asString()).isEqualTo("running");
        assertThat(took).isBetween(Duration.ofMillis(500), Duration.ofSeconds(10));

        started = System.nanoTime();
        JsonNode unchanged = json(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=2s", allToken, null, 200);
        assertThat(unchanged.path("data").path("status").asString()).isEqualTo("running");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));

        sql(
                "update api.jobs set status = 'succeeded', finished_at = now(), updated_at = now() where id = ?::uuid",
                job);
        started = System.nanoTime();
        exchange(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=50s", allToken, null, 200)
                .expectHeader()
                .doesNotExist("Retry-After")
                .expectBody()
                .jsonPath("$.data.status")
                .isEqualTo("succeeded");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        json(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=soon", allToken, null, 400);
    }

    @Test
    void aWaitWhoseIfNoneMatchIsAlreadyStaleAnswersAtOnce() {
        String job = newJob(allToken);
        String seen = etagOf(job);
        sql("update api.jobs set status = 'running', started_at = now(), updated_at = now() where id = ?::uuid", job);
        long started = System.nanoTime();
        JsonNode now = http.get()
                .uri("/api/v1/jobs/" + job + "?wait=30s")
                .header("Authorization", "Bearer " + allToken)
                .header("If-None-Match", seen)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(now.path("data").path("status").asString()).isEqualTo("running");
        // Held for the full wait it would take 30 s; answered from the first read it takes milliseconds.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void manyWaitersOnManyJobsAllSeeAChangeMadeElsewhere() throws Exception {
        List<String> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            jobs.add(newJob(allToken));
        }
        List<CompletableFuture<String>> waits = new java.util.ArrayList<>();
        // One thread per waiter: the common pool has one thread on two cores and would send them one by one.
        java.util.concurrent.ExecutorService waiters = java.util.concurrent.Executors.newFixedThreadPool(jobs.size());
        for (String job : jobs) {
            // The state the poller last saw: a wait that reaches the server only after the change (a slow
            // machine) must answer at once rather than wait for a second change.
            String seen = etagOf(job);
            waits.add(CompletableFuture.supplyAsync(
                    () -> http.get()
                            .uri("/api/v1/jobs/" + job + "?wait=30s")
                            .header("Authorization", "Bearer " + allToken)
                            .header("If-None-Match", seen)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(JsonNode.class)
                            .returnResult()
                            .getResponseBody()
                            .path("data")
                            .path("status")
                            .asString(),
                    waiters));
        }
        await("every waiter registered")
                .atMost(Duration.ofSeconds(20))
                .until(() -> meters.get("hostplane.jobs.waited.on").gauge().value() >= jobs.size());
        // Changed behind this replica's back, as another replica's fold would: the once-a-second sweep sees it.
        sql(
                "update api.jobs set status = 'running', started_at = now(), updated_at = now() "
                        + "where id = any(string_to_array(?, ',')::uuid[])",
                String.join(",", jobs));
        try {
            for (CompletableFuture<String> wait : waits) {
                assertThat(wait.get(20, TimeUnit.SECONDS)).isEqualTo("running");
            }
        } finally {
            waiters.shutdownNow();
        }
    }

    @Test
    void manyJobsInOneCallAndFilters() {
        String a = newJob(allToken);
        String b = newJob(allToken);
        String c = newJob(allToken);
        sql("update api.jobs set status = 'failed', finished_at = now() where id = ?::uuid", c);
        String foreign = UUID.randomUUID().toString();
        JsonNode both = json(
                        HttpMethod.GET, "/api/v1/jobs?id=" + a + "&id=" + b + "&id=" + foreign, allToken, null, 200)
                .path("data")
                .path("items");
        assertThat(both.size()).isEqualTo(2);
        assertThat(both.toString()).contains(a, b).doesNotContain(c);
        JsonNode failed = json(HttpMethod.GET, "/api/v1/jobs?status=failed&type=dns.record.create", allToken, null, 200)
                .path("data")
                .path("items");
        assertThat(failed.size()).isEqualTo(1);
        assertThat(failed.get(0).path("id").asString()).isEqualTo(c);
        assertThat(json(
                                HttpMethod.GET,
                                "/api/v1/jobs?resource=domains/" + zone + "/&status=queued&status=running",
                                allToken,
                                null,
                                200)
                        .path("data")
                        .path("items")
                        .size())
                .isEqualTo(2);
        assertThat(json(HttpMethod.GET, "/api/v1/jobs?created_after=2999-01-01T00:00:00Z", allToken, null, 200)
                        .path("data")
                        .path("items")
                        .size())
                .isZero();
        JsonNode bad =
                json(HttpMethod.GET, "/api/v1/jobs?status=lost&id=nope&created_before=yesterday", allToken, null, 400);
        assertThat(bad.path("errors").toString()).contains("\"status\"", "\"id\"", "created_before");
    }

    @Test
    void untilTerminalHoldsTheRequestThroughRunningToTheJobsEnd() throws Exception {
        String job = newJob(allToken);
        String queued = etagOf(job);
        double atWaitEnd = meters.get("hostplane.jobs.wait.answers")
                .tag("when", "at_wait_end")
                .counter()
                .count();
        ExecutorService pollers = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture<JsonNode> end = CompletableFuture.supplyAsync(
                    () -> json(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=25s&until=terminal", allToken, null, 200),
                    pollers);
            // Waits for a change from the state last seen: answered at once if it arrives after the change.
            CompletableFuture<JsonNode> change = CompletableFuture.supplyAsync(
                    () -> http.get()
                            .uri("/api/v1/jobs/" + job + "?wait=25s&until=change")
                            .header("Authorization", "Bearer " + allToken)
                            .header("If-None-Match", queued)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(JsonNode.class)
                            .returnResult()
                            .getResponseBody(),
                    pollers);
            kafka.send(
                            Topics.JOB_EVENTS,
                            job,
                            codec.write(
                                    workerEvent(job, "dns.record.create", JobStatus.RUNNING, List.of(), null, null)))
                    .get();
            assertThat(change.get(30, TimeUnit.SECONDS)
                            .path("data")
                            .path("status")
                            .asString())
                    .isEqualTo("running");
            assertThat(end).as("held through running").isNotDone();
            kafka.send(
                            Topics.JOB_EVENTS,
                            job,
                            codec.write(workerEvent(
                                    job,
                                    "dns.record.create",
                                    JobStatus.FAILED,
                                    List.of(),
                                    new JobError("BACKEND_REFUSED", "refused"),
                                    null)))
                    .get();
            JsonNode ended = end.get(30, TimeUnit.SECONDS).path("data");
            assertThat(ended.path("status").asString()).isEqualTo("failed");
            assertThat(ended.path("error").path("code").asString()).isEqualTo("BACKEND_REFUSED");
            assertThat(meters.get("hostplane.jobs.wait.answers")
                            .tag("when", "at_wait_end")
                            .counter()
                            .count())
                    .as("answered by the change, not at the end of a wait")
                    .isEqualTo(atWaitEnd);
        } finally {
            pollers.shutdownNow();
        }
    }

    @Test
    void untilIsChangeOrTerminalAndWaitAReadableDurationElseA400NamingThem() {
        String job = newJob(allToken);
        JsonNode until = json(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=5s&until=finished", allToken, null, 400);
        assertThat(until.path("success").asBoolean()).isFalse();
        assertThat(until.path("message").asString()).isEqualTo("until must be change or terminal.");
        assertThat(until.path("errors")).hasSize(1);
        assertThat(until.path("errors").get(0).path("field").asString()).isEqualTo("until");
        assertThat(until.path("errors").get(0).path("code").asString()).isEqualTo("INVALID");

        for (String wait : List.of("-1s", "soon", "1h", "999999999999999999m", "5 s")) {
            JsonNode bad = json(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=" + wait, allToken, null, 400);
            assertThat(bad.path("errors").get(0).path("field").asString())
                    .as(wait)
                    .isEqualTo("wait");
        }
        for (String value : List.of("", "TERMINAL", "terminal%20", "finished")) {
            JsonNode bad = json(HttpMethod.GET, "/api/v1/jobs/" + job + "?until=" + value, allToken, null, 400);
            assertThat(bad.path("errors").get(0).path("field").asString())
                    .as(value)
                    .isEqualTo("until");
        }
        JsonNode both = json(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=-5s&until=now", allToken, null, 400);
        assertThat(both.path("errors").findValuesAsString("field")).containsExactly("wait", "until");

        // Accepted: until without wait answers at once; each value with a short wait answers when it ends.
        assertThat(json(HttpMethod.GET, "/api/v1/jobs/" + job + "?until=terminal", allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("queued");
        for (String value : List.of("change", "terminal")) {
            assertThat(json(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=50ms&until=" + value, allToken, null, 200)
                            .path("data")
                            .path("status")
                            .asString())
                    .as(value)
                    .isEqualTo("queued");
        }
    }
}
