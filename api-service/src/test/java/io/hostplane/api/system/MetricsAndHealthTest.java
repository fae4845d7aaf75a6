package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code /actuator/prometheus} counts what the job engine and the rate limiter did, exactly once, and
 * {@code /actuator/health/readiness} reflects Kafka and PostgreSQL.
 */
class MetricsAndHealthTest extends ApiIntegrationTest {

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Test
    void acceptedAndFinishedJobsAreCountedOnceByTypeAndStateAndTimed() throws Exception {
        String create = "hostplane_jobs_accepted_total{type=\"dns.record.create\"}";
        String succeeded = "hostplane_jobs_finished_total{status=\"succeeded\",type=\"dns.record.create\"}";
        String failed = "hostplane_jobs_finished_total{status=\"failed\",type=\"dns.record.create\"}";
        String timed = "hostplane_jobs_latency_seconds_count{status=\"succeeded\",type=\"dns.record.create\"}";
        String before = scrape();

        List<String> jobs = List.of(accept(1), accept(2), accept(3));
        assertThat(value(scrape(), create) - value(before, create)).isEqualTo(3);

        send(jobs.get(0), jobs.get(0), JobStatus.SUCCEEDED);
        send(jobs.get(1), jobs.get(1), JobStatus.SUCCEEDED);
        send(jobs.get(2), jobs.get(2), JobStatus.FAILED);
        // A redelivered outcome folds to nothing, so it must count nothing. The marker job's event goes to the
        // same partition after it, so once the marker is counted the redelivery has been folded too.
        send(jobs.get(0), jobs.get(0), JobStatus.SUCCEEDED);
        String marker = accept(4);
        send(jobs.get(0), marker, JobStatus.SUCCEEDED);
        String after = awaitScrape(text -> value(text, succeeded) - value(before, succeeded) >= 3
                && value(text, failed) - value(before, failed) >= 1
                && value(text, timed) - value(before, timed) >= 3);

        assertThat(value(after, succeeded) - value(before, succeeded))
                .as(
                        "%s in%n%s; succeeded job rows: %s",
                        succeeded,
                        after.lines()
                                .filter(l -> l.startsWith("hostplane_jobs_f"))
                                .toList(),
                        count("select count(*) from api.jobs where status = 'succeeded' and tenant_id = '" + tenant
                                + "'"))
                .isEqualTo(3);
        assertThat(value(after, failed) - value(before, failed)).isEqualTo(1);
        assertThat(value(after, timed) - value(before, timed)).isEqualTo(3);
        assertThat(after).contains("hostplane_jobs_latency_seconds_bucket{");
        assertThat(after).contains("hostplane_outbox_backlog ");
        assertThat(after).contains("hostplane_kafka_consumer_lag{group=\"hostplane-worker\"}");
        assertThat(after).contains("hostplane_kafka_consumer_lag{group=\"hostplane-api-jobs\"}");
    }

    @Test
    void requestsRefusedByARateLimitAreCounted() throws Exception {
        String rejected = "hostplane_ratelimit_rejections_total{limit=\"token\"}";
        String limited = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"profile.read\"],\"rate_limit\":{\"limit\":1,\"period_seconds\":600}}",
                        201)
                .path("data")
                .path("token")
                .asString();
        double before = value(scrape(), rejected);
        exchange(HttpMethod.GET, "/api/v1/system/hello", limited, null, 200);
        exchange(HttpMethod.GET, "/api/v1/system/hello", limited, null, 429);
        exchange(HttpMethod.GET, "/api/v1/system/hello", limited, null, 429);
        assertThat(value(scrape(), rejected) - before).isEqualTo(2);
    }

    @Test
    void readinessNamesKafkaAndPostgresqlAndNeedsNoToken() {
        JsonNode readiness = http.get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(readiness.path("status").asString()).isEqualTo("UP");
        assertThat(readiness.path("components").path("kafka").path("status").asString())
                .isEqualTo("UP");
        assertThat(readiness.path("components").path("r2dbc").path("status").asString())
                .isEqualTo("UP");
        http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }

    private String accept(int i) {
        return json(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        "{\"name\":\"m" + i + "\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.60\"}",
                        202)
                .path("data")
                .path("id")
                .asString();
    }

    /** The job's outcome event as the worker sends it, on the partition of {@code key}. */
    private void send(String key, String job, JobStatus status) throws Exception {
        var event = workerEvent(
                job,
                "dns.record.create",
                status,
                List.of(),
                status == JobStatus.FAILED ? new JobError("BACKEND_ERROR", "test") : null,
                // What the worker reports for a created record (the API's record view folds it in).
                status == JobStatus.SUCCEEDED
                        ? Map.of(
                                "zone",
                                zone,
                                "record",
                                new DnsRecord(UUID.randomUUID().toString(), "m", "A", 300, "192.0.2.60", null))
                        : null);
        kafka.send(Topics.JOB_EVENTS, key, codec.write(event)).get();
    }

    private String scrape() {
        // Every Kafka client's meters are in it too (four job-event consumers, producers, admin): more than the
        // test client's default buffer.
        return http.mutate()
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
                .build()
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    private String awaitScrape(java.util.function.Predicate<String> done) {
        return await("the scrape")
                .atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200))
                .until(this::scrape, done);
    }

    /** A sample's value in the Prometheus text format; 0 when the series does not exist yet. */
    private static double value(String text, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
