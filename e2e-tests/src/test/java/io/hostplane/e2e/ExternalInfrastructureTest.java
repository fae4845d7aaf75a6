package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.embedded.FreePorts;
import io.hostplane.embedded.TestInfrastructure;
import io.hostplane.local.DevStack;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.Domain;
import io.hostplane.sdk.model.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

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

            Sdk demo = Sdk.withTokenFile(stack.apiUrl(), data, "demo-token");
            Await.until(
                    "example.test active",
                    Duration.ofSeconds(60),
                    () -> demo.domains.getDomain("example.test").getData().getStatus() == Domain.StatusEnum.ACTIVE);
            UUID jobId = demo.dns
                    .createDnsRecord(
                            "example.test",
                            new DnsRecordInput()
                                    .name("ext")
                                    .type(DnsRecordInput.TypeEnum.TXT)
                                    .content("\"hello\""),
                            null,
                            null)
                    .getData()
                    .getId();
            Await.until(
                    "job " + jobId + " succeeded",
                    Duration.ofSeconds(60),
                    () -> demo.jobs.getJob(jobId, null, null, null).getData().getStatus() == JobStatus.SUCCEEDED);
        }
    }
}
