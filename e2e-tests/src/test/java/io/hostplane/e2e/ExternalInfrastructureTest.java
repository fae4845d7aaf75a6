package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.embedded.FreePorts;
import io.hostplane.embedded.TestInfrastructure;
import io.hostplane.local.DevStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The launcher pointed at an existing Kafka and PostgreSQL through Spring's own environment variables, as
 * docker-compose and production do: it starts neither itself, and the platform works on them.
 */
class ExternalInfrastructureTest {

    @Test
    void theLauncherUsesTheKafkaAndPostgresqlItIsGiven() throws Exception {
        TestInfrastructure infra = TestInfrastructure.shared();
        Path data = Path.of("target", "external-" + UUID.randomUUID()).toAbsolutePath();
        Map<String, String> env = Map.of(
                "SPRING_KAFKA_BOOTSTRAP_SERVERS", infra.kafkaBootstrapServers(),
                "SPRING_R2DBC_URL", infra.r2dbcUrl(),
                "SPRING_R2DBC_USERNAME", infra.user(),
                "SPRING_R2DBC_PASSWORD", infra.password());
        try (DevStack stack =
                new DevStack(DevStack.randomPorts(data, FreePorts::next), env).start(Duration.ofSeconds(120))) {
            assertThat(stack.kafkaBootstrapServers()).isEqualTo(infra.kafkaBootstrapServers());
            assertThat(stack.r2dbcUrl()).isEqualTo(infra.r2dbcUrl());
            assertThat(Files.exists(data.resolve("postgres"))).isFalse();
            assertThat(Files.exists(data.resolve("kafka"))).isFalse();

            ApiClient demo = new ApiClient(
                    stack.apiUrl(), Files.readString(data.resolve("demo-token")).trim());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String status = null;
            while (System.nanoTime() < deadline && !"active".equals(status)) {
                status = demo.get("/api/v1/domains/example.test")
                        .body()
                        .path("data")
                        .path("status")
                        .asString();
                Thread.sleep(250);
            }
            assertThat(status).isEqualTo("active");
            JsonNode job = demo.post(
                            "/api/v1/domains/example.test/dns/records",
                            "{\"name\":\"ext\",\"type\":\"TXT\",\"content\":\"\\\"hello\\\"\"}")
                    .body()
                    .path("data");
            String jobId = job.path("id").asString();
            while (System.nanoTime() < deadline && !"succeeded".equals(status)) {
                status = demo.get("/api/v1/jobs/" + jobId)
                        .body()
                        .path("data")
                        .path("status")
                        .asString();
                Thread.sleep(250);
            }
            assertThat(status).isEqualTo("succeeded");
        }
    }
}
