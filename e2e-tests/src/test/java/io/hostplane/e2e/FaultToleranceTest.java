package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import io.hostplane.sdk.invoker.ApiException;
import io.hostplane.sdk.invoker.ApiResponse;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.ErrorEnvelope;
import io.hostplane.sdk.model.JobEnvelope;
import io.hostplane.sdk.model.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 202 is a promise: with Kafka down the API keeps accepting and the backlog reaches the workers when Kafka
 * returns; with PostgreSQL down the API answers 503 with Retry-After and writes nothing, and recovers when
 * it returns. The broker and PostgreSQL restarted in the middle of a few hundred jobs: every job succeeds and
 * is applied once in effect.
 */
class FaultToleranceTest {

    private static DevStack stack;
    private static Sdk demo;
    private static Path data;
    private static JobLoad load;

    @BeforeAll
    static void start() throws Exception {
        data = Path.of("target", "faults-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(data, FreePorts::next), Map.of()).start(Duration.ofSeconds(120));
        demo = Sdk.withTokenFile(stack.apiUrl(), data, "demo-token");
        awaitStatus(
                "domain example.test",
                () -> demo.domains
                        .getDomain("example.test")
                        .getData()
                        .getStatus()
                        .getValue(),
                "active");
        load = JobLoad.withNewZones(demo, stack.r2dbcUrl(), "faults", 4);
    }

    @Test
    void theBrokerRestartedMidRunLosesAndDoublesNothing() throws Exception {
        List<String> jobs = load.submit("broker", 300, () -> {
            stack.stopKafka();
            try {
                Thread.sleep(2000); // the outage itself: jobs keep coming while the broker is away
                stack.startKafka();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        load.awaitTerminal(jobs, Duration.ofSeconds(180));
        load.assertAppliedOnce("broker", jobs);
    }

    @Test
    void postgresqlRestartedMidRunLosesAndDoublesNothing() throws Exception {
        // While PostgreSQL is down the API answers 503 and the clients retry, as they should.
        List<String> jobs = load.submit("postgres", 300, () -> {
            stack.stopPostgres();
            try {
                Thread.sleep(2000); // the outage itself: clients meet 503s and retry while the database is away
                stack.startPostgres();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        load.awaitTerminal(jobs, Duration.ofSeconds(180));
        load.assertAppliedOnce("postgres", jobs);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void jobsAcceptedWhileKafkaIsDownAreAppliedWhenItReturns() throws Exception {
        stack.stopKafka();
        UUID[] jobs = new UUID[3];
        for (int i = 0; i < jobs.length; i++) {
            ApiResponse<JobEnvelope> accepted = demo.dns.createDnsRecordWithHttpInfo(
                    "example.test", record("kafka-down-" + i, "192.0.2." + (40 + i)), null, null);
            assertThat(accepted.getStatusCode()).isEqualTo(202);
            jobs[i] = accepted.getData().getData().getId();
        }
        Thread.sleep(1000); // the subject: a while with Kafka away, and the job is still queued, not lost or failed
        assertThat(demo.jobs.getJob(jobs[0], null, null, null).getData().getStatus())
                .isEqualTo(JobStatus.QUEUED);
        stack.startKafka();
        for (UUID job : jobs) {
            awaitSucceeded(job);
        }
    }

    @Test
    void withPostgresqlDownTheApiAnswers503AndRecovers() throws Exception {
        stack.stopPostgres();
        try {
            ApiException refused = Await.until(
                    "a 503 with PostgreSQL down",
                    Duration.ofSeconds(30),
                    () -> {
                        try {
                            demo.dns.createDnsRecordWithHttpInfo(
                                    "example.test", record("pg-down", "192.0.2.99"), null, null);
                            return new ApiException(202, "accepted");
                        } catch (ApiException e) {
                            return e;
                        }
                    },
                    e -> e.getCode() == 503);
            assertThat(refused.getResponseHeaders().firstValue("Retry-After"))
                    .hasValueSatisfying(value -> assertThat(value).isNotBlank());
            ErrorEnvelope error = demo.error(refused);
            assertThat(error.getSuccess()).isEqualTo(ErrorEnvelope.SuccessEnum.FALSE);
            assertThat(error.getStatus()).isEqualTo(503);
        } finally {
            stack.startPostgres();
        }
        Await.polling("a 200 with PostgreSQL back", Duration.ofSeconds(60))
                .ignoreException(ApiException.class)
                .until(() -> demo.dns
                                .listDnsRecordsWithHttpInfo("example.test", null, "pg-down", null, null)
                                .getStatusCode()
                        == 200);
        assertThat(demo.dns
                        .listDnsRecords("example.test", null, "pg-down", null, null)
                        .getData()
                        .getItems())
                .isEmpty();
        ApiResponse<JobEnvelope> accepted =
                demo.dns.createDnsRecordWithHttpInfo("example.test", record("pg-back", "192.0.2.98"), null, null);
        assertThat(accepted.getStatusCode()).isEqualTo(202);
        awaitSucceeded(accepted.getData().getData().getId());
    }

    private static DnsRecordInput record(String name, String address) {
        return new DnsRecordInput().name(name).type(DnsRecordInput.TypeEnum.A).content(address);
    }

    private static void awaitSucceeded(UUID job) throws Exception {
        awaitStatus(
                "job " + job,
                () -> demo.jobs
                        .getJob(job, null, null, null)
                        .getData()
                        .getStatus()
                        .getValue(),
                "succeeded");
    }

    interface StatusCall {
        String status() throws ApiException;
    }

    /** Polls until the status is {@code expected}; an error status (the platform recovering) is polled past. */
    private static void awaitStatus(String what, StatusCall call, String expected) {
        Await.until(
                what + " " + expected,
                Duration.ofSeconds(90),
                () -> {
                    try {
                        return call.status();
                    } catch (ApiException e) {
                        return "http " + e.getCode();
                    }
                },
                expected::equals);
    }
}
