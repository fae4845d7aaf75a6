package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import java.nio.file.Files;
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
    private static ApiClient demo;
    private static Path data;
    private static JobLoad load;

    @BeforeAll
    static void start() throws Exception {
        data = Path.of("target", "faults-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(data, FreePorts::next), Map.of()).start(Duration.ofSeconds(120));
        demo = new ApiClient(
                stack.apiUrl(), Files.readString(data.resolve("demo-token")).trim());
        awaitStatus("/api/v1/domains/example.test", "active");
        load = JobLoad.withNewZones(demo, stack.apiUrl(), stack.r2dbcUrl(), "faults", 4);
    }

    @Test
    void theBrokerRestartedMidRunLosesAndDoublesNothing() throws Exception {
        List<String> jobs = load.submit("broker", 300, () -> {
            stack.stopKafka();
            try {
                Thread.sleep(2000);
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
                Thread.sleep(2000);
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
        String[] jobs = new String[3];
        for (int i = 0; i < jobs.length; i++) {
            ApiClient.Response accepted = demo.post(
                    "/api/v1/domains/example.test/dns/records",
                    "{\"name\":\"kafka-down-" + i + "\",\"type\":\"A\",\"content\":\"192.0.2." + (40 + i) + "\"}");
            assertThat(accepted.status()).isEqualTo(202);
            jobs[i] = accepted.body().path("data").path("id").asString();
        }
        Thread.sleep(1000);
        assertThat(demo.get("/api/v1/jobs/" + jobs[0])
                        .body()
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("queued");
        stack.startKafka();
        for (String job : jobs) {
            awaitStatus("/api/v1/jobs/" + job, "succeeded");
        }
    }

    @Test
    void withPostgresqlDownTheApiAnswers503AndRecovers() throws Exception {
        stack.stopPostgres();
        try {
            ApiClient.Response refused = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                refused = demo.post(
                        "/api/v1/domains/example.test/dns/records",
                        "{\"name\":\"pg-down\",\"type\":\"A\",\"content\":\"192.0.2.99\"}");
                if (refused.status() == 503) {
                    break;
                }
                Thread.sleep(300);
            }
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isNotBlank();
            assertThat(refused.body().path("success").asBoolean()).isFalse();
        } finally {
            stack.startPostgres();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            status = demo.get("/api/v1/domains/example.test/dns/records?name=pg-down")
                    .status();
            Thread.sleep(300);
        }
        assertThat(status).isEqualTo(200);
        assertThat(demo.get("/api/v1/domains/example.test/dns/records?name=pg-down")
                        .body()
                        .path("data")
                        .path("items")
                        .size())
                .isZero();
        ApiClient.Response accepted = demo.post(
                "/api/v1/domains/example.test/dns/records",
                "{\"name\":\"pg-back\",\"type\":\"A\",\"content\":\"192.0.2.98\"}");
        assertThat(accepted.status()).isEqualTo(202);
        awaitStatus("/api/v1/jobs/" + accepted.body().path("data").path("id").asString(), "succeeded");
    }

    private static void awaitStatus(String path, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String status = null;
        while (System.nanoTime() < deadline) {
            ApiClient.Response r = demo.get(path);
            status = r.status() == 200 ? r.body().path("data").path("status").asString() : "http " + r.status();
            if (expected.equals(status)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(path + " is " + status + ", expected " + expected);
    }
}
