package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.Warning;
import io.hostplane.common.topic.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Folding job events into job rows, set-based per poll: a job's running and outcome events folded together
 * or apart give the same row; a late event never moves a job back; many jobs in one poll all move.
 */
class JobFoldingTest extends ApiIntegrationTest {

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    MeterRegistry meters;

    @Test
    void runningAndOutcomeGiveTheSameRowWhetherFoldedTogetherOrApartAndLateEventsChangeNothing() throws Exception {
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            jobs.add(accept(i));
        }
        List<CloudEvent> running = new ArrayList<>();
        List<CloudEvent> done = new ArrayList<>();
        for (String job : jobs) {
            running.add(event(job, JobStatus.RUNNING, List.of()));
        }
        for (String job : jobs) {
            done.add(event(
                    job,
                    JobStatus.SUCCEEDED,
                    List.of(new Warning("DNS", "RECORD_EXISTS", "An identical record already exists."))));
        }
        // Sent back to back: the poll that folds them may hold a job's two events or only one of them.
        for (int i = 0; i < jobs.size(); i++) {
            kafka.send(Topics.JOB_EVENTS, jobs.get(i), codec.write(running.get(i)));
            kafka.send(Topics.JOB_EVENTS, jobs.get(i), codec.write(done.get(i)));
        }
        kafka.flush();
        awaitAllSucceeded(jobs);

        for (int i = 0; i < jobs.size(); i++) {
            Row row = row(jobs.get(i));
            assertThat(row.status()).isEqualTo("succeeded");
            assertThat(row.startedAt()).isEqualTo(running.get(i).time().truncatedTo(ChronoUnit.MILLIS));
            assertThat(row.finishedAt()).isEqualTo(done.get(i).time().truncatedTo(ChronoUnit.MILLIS));
            assertThat(row.warnings()).contains("RECORD_EXISTS");
            assertThat(row.progress()).isEqualTo(100);
        }

        // A running event that arrives after the outcome (redelivered, late) moves nothing back.
        kafka.send(Topics.JOB_EVENTS, jobs.get(0), codec.write(event(jobs.get(0), JobStatus.RUNNING, List.of())))
                .get();
        CloudEvent failedLate = event(jobs.get(1), JobStatus.FAILED, List.of());
        kafka.send(Topics.JOB_EVENTS, jobs.get(1), codec.write(failedLate)).get();
        // A marker job folded after them proves the late events were read.
        String marker = accept(99);
        kafka.send(Topics.JOB_EVENTS, marker, codec.write(event(marker, JobStatus.SUCCEEDED, List.of())))
                .get();
        awaitAllSucceeded(List.of(marker));
        assertThat(row(jobs.get(0)).status()).isEqualTo("succeeded");
        assertThat(row(jobs.get(0)).finishedAt()).isEqualTo(done.get(0).time().truncatedTo(ChronoUnit.MILLIS));
        assertThat(row(jobs.get(1)).status()).isEqualTo("succeeded");
    }

    @Test
    void pollersWaitingOnJobsFoldedTogetherGetThemFromOneReadNotOneEach() throws Exception {
        int n = 20;
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(accept(300 + i));
        }
        ExecutorService pollers = Executors.newFixedThreadPool(n);
        try {
            List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
            for (String job : jobs) {
                answers.add(CompletableFuture.supplyAsync(
                        () -> json(HttpMethod.GET, "/api/v1/jobs/" + job + "?wait=30s", allToken, null, 200), pollers));
            }
            Gauge waitedOn = meters.get("hostplane.jobs.waited.on").gauge();
            await("every poller waiting")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> waitedOn.value() >= n);
            assertThat(waitedOn.value()).isEqualTo(n);
            double readsBefore = foldReads();

            List<CloudEvent> done = new ArrayList<>();
            for (String job : jobs) {
                done.add(event(
                        job,
                        JobStatus.SUCCEEDED,
                        List.of(new Warning("DNS", "RECORD_EXISTS", "An identical record already exists."))));
            }
            for (int i = 0; i < n; i++) {
                kafka.send(Topics.JOB_EVENTS, jobs.get(i), codec.write(done.get(i)));
            }
            kafka.flush();

            for (CompletableFuture<JsonNode> answer : answers) {
                JsonNode job = answer.get(30, TimeUnit.SECONDS).path("data");
                // The job as it is after the fold, whole: the waiter is handed the row the fold's read returned.
                assertThat(job.path("status").asString()).isEqualTo("succeeded");
                assertThat(job.path("warnings").toString()).contains("RECORD_EXISTS");
            }
            // The folds' reads for waiters: one per folded poll that had any (four consumers over twelve
            // partitions take the burst in a few polls), never one per waiter.
            double reads = foldReads() - readsBefore;
            assertThat(reads).isBetween(1.0, n / 2.0);
        } finally {
            pollers.shutdownNow();
        }
    }

    private double foldReads() {
        return meters.get("hostplane.jobs.wait.reads")
                .tag("by", "fold")
                .counter()
                .count();
    }

    @Test
    void anOutcomeThatCannotBeRecordedDoesNotStopTheOthers() throws Exception {
        String poisoned = accept(200);
        String healthy = accept(201);
        // A succeeded dns.record.create whose record id is not an id: the record view cannot take it.
        CloudEvent bad = workerEvent(
                poisoned,
                "dns.record.create",
                JobStatus.SUCCEEDED,
                List.of(),
                null,
                Map.of(
                        "zone",
                        zone,
                        "record",
                        Map.of("id", "not-an-id", "name", "f200", "type", "A", "content", "192.0.2.50")));
        kafka.send(Topics.JOB_EVENTS, poisoned, codec.write(bad));
        kafka.send(Topics.JOB_EVENTS, healthy, codec.write(event(healthy, JobStatus.SUCCEEDED, List.of())));
        kafka.flush();
        awaitAllSucceeded(List.of(poisoned, healthy));

        assertThat(row(poisoned).warnings()).contains("RESULT_NOT_RECORDED");
        assertThat(row(healthy).warnings()).doesNotContain("RESULT_NOT_RECORDED");
        // Folding goes on after it.
        String later = accept(202);
        kafka.send(Topics.JOB_EVENTS, later, codec.write(event(later, JobStatus.SUCCEEDED, List.of())))
                .get();
        awaitAllSucceeded(List.of(later));
    }

    private String accept(int i) {
        return json(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        "{\"name\":\"f" + i + "\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.50\"}",
                        202)
                .path("data")
                .path("id")
                .asString();
    }

    /** The test's clock for event times: each event a millisecond after the one before, so none share a time. */
    private Instant eventTime = Instant.now();

    private CloudEvent event(String job, JobStatus status, List<Warning> warnings) {
        CloudEvent e = workerEvent(
                job,
                "dns.batch",
                status,
                warnings,
                null,
                status == JobStatus.SUCCEEDED ? Map.of("zone", zone, "changes", List.of()) : null);
        eventTime = eventTime.plusMillis(1);
        return new CloudEvent(
                e.specversion(),
                e.id(),
                e.source(),
                e.type(),
                eventTime,
                e.subject(),
                e.datacontenttype(),
                e.tenant(),
                e.traceparent(),
                e.requestid(),
                e.jobid(),
                e.data(),
                e.tokenid());
    }

    private record Row(String status, Instant startedAt, Instant finishedAt, String warnings, Integer progress) {}

    private Row row(String job) throws Exception {
        try (var c = connection();
                PreparedStatement s = c.prepareStatement(
                        "select status, started_at, finished_at, warnings::text, progress from api.jobs where id = ?::uuid")) {
            s.setString(1, job);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Row(
                        rs.getString(1),
                        instant(rs.getTimestamp(2)),
                        instant(rs.getTimestamp(3)),
                        rs.getString(4),
                        (Integer) rs.getObject(5));
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void awaitAllSucceeded(List<String> jobs) throws Exception {
        String ids = String.join("','", jobs);
        await("all " + jobs.size() + " jobs succeeded")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> count("select count(*) from api.jobs where status = 'succeeded' and id::text in ('" + ids
                                + "')")
                        >= jobs.size());
        assertThat(count("select count(*) from api.jobs where status = 'succeeded' and id::text in ('" + ids + "')"))
                .isEqualTo(jobs.size());
    }
}
