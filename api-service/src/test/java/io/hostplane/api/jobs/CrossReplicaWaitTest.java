package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiApplication;
import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Prompt wake-ups across replicas: two API replicas on one Kafka and one PostgreSQL, with the once-a-second sweep
 * set to an hour on both. Replica B consumes no job events (its folder does not start), so every fold is another
 * replica's; a long poll held by B is answered when that fold commits, through PostgreSQL's notification, and not
 * when its 55 s wait ends (B counts which it was).
 */
@TestPropertySource(properties = "hostplane.jobs.wait-sweep-interval-ms=3600000")
class CrossReplicaWaitTest extends ApiIntegrationTest {

    static ConfigurableApplicationContext replicaB;
    static WebTestClient b;

    ExecutorService pollers;

    @BeforeEach
    void startReplicaB() {
        pollers = Executors.newFixedThreadPool(2);
        if (replicaB != null) {
            return;
        }
        replicaB = ApiApplication.builder()
                .run(
                        "--" + PEPPER,
                        "--server.port=0",
                        "--hostplane.jobs.wait-sweep-interval-ms=3600000",
                        "--spring.kafka.listener.auto-startup=false",
                        "--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrapServers(),
                        "--spring.r2dbc.url=" + infra.r2dbcUrl(),
                        "--spring.r2dbc.username=" + infra.user(),
                        "--spring.r2dbc.password=" + infra.password());
        b = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + replicaB.getEnvironment().getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(70))
                .build();
    }

    @AfterEach
    void stopPollers() {
        pollers.shutdownNow();
    }

    @AfterAll
    static void stopReplicaB() {
        if (replicaB != null) {
            replicaB.close();
            replicaB = null;
        }
    }

    @Test
    void aWaiterOnReplicaBIsAnsweredWhenAnotherReplicaFoldsTheJob() throws Exception {
        String job = newJob();
        double atWaitEnd = b("hostplane.jobs.wait.answers", "when", "at_wait_end");
        double notificationReads = b("hostplane.jobs.wait.reads", "by", "notification");
        CompletableFuture<JsonNode> waiting = onB("/api/v1/jobs/" + job + "?wait=55s&until=terminal", null);
        awaitWaitedOnAtB();

        send(job, JobStatus.FAILED);

        JsonNode answer = waiting.get(70, TimeUnit.SECONDS).path("data");
        assertThat(answer.path("status").asString()).isEqualTo("failed");
        assertThat(answer.path("error").path("code").asString()).isEqualTo("BACKEND_REFUSED");
        assertThat(b("hostplane.jobs.wait.answers", "when", "at_wait_end"))
                .as("answered on the fold, not when the wait ended")
                .isEqualTo(atWaitEnd);
        assertThat(b("hostplane.jobs.wait.reads", "by", "notification")).isGreaterThan(notificationReads);
        // B folded nothing and announced nothing: the change came from another replica.
        assertThat(b("hostplane.jobs.wait.reads", "by", "fold")).isZero();
        assertThat(b("hostplane.jobs.wait.notifications", "direction", "sent")).isZero();
    }

    @Test
    void aWaitForAnyChangeOnBIsAnsweredByAnotherReplicasFoldOfRunning() throws Exception {
        String job = newJob();
        String queued = exchange(HttpMethod.GET, "/api/v1/jobs/" + job, allToken, null, 200)
                .returnResult(String.class)
                .getResponseHeaders()
                .getETag();
        double atWaitEnd = b("hostplane.jobs.wait.answers", "when", "at_wait_end");
        CompletableFuture<JsonNode> waiting = onB("/api/v1/jobs/" + job + "?wait=55s", queued);
        awaitWaitedOnAtB();

        send(job, JobStatus.RUNNING);

        assertThat(waiting.get(70, TimeUnit.SECONDS).path("data").path("status").asString())
                .isEqualTo("running");
        assertThat(b("hostplane.jobs.wait.answers", "when", "at_wait_end")).isEqualTo(atWaitEnd);
    }

    @Test
    void aCancelOnOneReplicaAnswersAWaiterOnTheOther() throws Exception {
        String job = newJob();
        double atWaitEnd = b("hostplane.jobs.wait.answers", "when", "at_wait_end");
        CompletableFuture<JsonNode> waiting = onB("/api/v1/jobs/" + job + "?wait=55s&until=terminal", null);
        awaitWaitedOnAtB();

        json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", allToken, null, 200);

        assertThat(waiting.get(70, TimeUnit.SECONDS).path("data").path("status").asString())
                .isEqualTo("cancelled");
        assertThat(b("hostplane.jobs.wait.answers", "when", "at_wait_end")).isEqualTo(atWaitEnd);
    }

    /** A job accepted by replica A (this test's context); no worker runs, so it stays queued until told. */
    private String newJob() {
        return json(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        "{\"name\":\"x\",\"type\":\"A\",\"content\":\"192.0.2.7\"}",
                        202)
                .path("data")
                .path("id")
                .asString();
    }

    /** The worker's event for {@code job}, as a worker sends it; a replica other than B folds it. */
    private void send(String job, JobStatus status) throws Exception {
        JobError error = status == JobStatus.FAILED ? new JobError("BACKEND_REFUSED", "refused") : null;
        try (KafkaProducer<String, String> producer = infra.producer()) {
            producer.send(new ProducerRecord<>(
                            Topics.JOB_EVENTS,
                            job,
                            codec.write(workerEvent(job, "dns.record.create", status, List.of(), error, null))))
                    .get();
        }
    }

    private CompletableFuture<JsonNode> onB(String path, String ifNoneMatch) {
        return CompletableFuture.supplyAsync(
                () -> {
                    WebTestClient.RequestHeadersSpec<?> get =
                            b.get().uri(path).header("Authorization", "Bearer " + allToken);
                    if (ifNoneMatch != null) {
                        get.header("If-None-Match", ifNoneMatch);
                    }
                    return get.exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(JsonNode.class)
                            .returnResult()
                            .getResponseBody();
                },
                pollers);
    }

    /** Until B's request has registered as a waiter (bounded). */
    private void awaitWaitedOnAtB() {
        await("a waiter registered at B")
                .atMost(Duration.ofSeconds(20))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> b("hostplane.jobs.waited.on") >= 1);
        assertThat(b("hostplane.jobs.waited.on")).isEqualTo(1);
    }

    private static double b(String gauge) {
        return replicaB.getBean(MeterRegistry.class).get(gauge).gauge().value();
    }

    private static double b(String counter, String tag, String value) {
        return replicaB.getBean(MeterRegistry.class)
                .get(counter)
                .tag(tag, value)
                .counter()
                .count();
    }
}
