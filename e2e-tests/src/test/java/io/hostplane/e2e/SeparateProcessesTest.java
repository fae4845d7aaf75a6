package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code HOSTPLANE_DEV_PROCESSES=true}: the local stack runs api, worker and audit as three JVMs of their own
 * (as production does, and as the memory benchmark needs), a change goes through all three, and closing the
 * stack stops them.
 */
class SeparateProcessesTest {

    @Test
    void theThreeServicesRunAsTheirOwnProcessesAndAChangeGoesThroughThem() throws Exception {
        Path data = Path.of("target", "processes-" + UUID.randomUUID()).toAbsolutePath();
        Map<Long, ProcessHandle> children;
        try (DevStack stack = new DevStack(
                        DevStack.randomPorts(data, FreePorts::next),
                        Map.of(
                                "HOSTPLANE_DEV_PROCESSES", "true",
                                "HOSTPLANE_SERVICE_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"))
                .start(Duration.ofSeconds(180))) {
            Map<String, Long> pids = stack.servicePids();
            assertThat(pids).containsOnlyKeys("api", "worker", "audit");
            assertThat(pids.values())
                    .doesNotHaveDuplicates()
                    .doesNotContain(ProcessHandle.current().pid());
            children = new HashMap<>();
            for (long pid : pids.values()) {
                ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
                assertThat(child.parent().map(ProcessHandle::pid))
                        .contains(ProcessHandle.current().pid());
                children.put(pid, child);
            }

            // Each service answers its own readiness (PostgreSQL and Kafka) and metrics on its own port.
            for (int port :
                    List.of(stack.settings().workerPort(), stack.settings().auditPort())) {
                ApiClient.Response ready =
                        new ApiClient("http://127.0.0.1:" + port, null).get("/actuator/health/readiness");
                assertThat(ready.status()).isEqualTo(200);
                assertThat(ready.body()
                                .path("components")
                                .path("db")
                                .path("status")
                                .asString())
                        .isEqualTo("UP");
                assertThat(ready.body()
                                .path("components")
                                .path("kafka")
                                .path("status")
                                .asString())
                        .isEqualTo("UP");
                assertThat(new ApiClient("http://127.0.0.1:" + port, null)
                                .get("/actuator/prometheus")
                                .status())
                        .isEqualTo(200);
            }

            ApiClient client = new ApiClient(
                    stack.apiUrl(), Files.readString(data.resolve("demo-token")).trim());
            Await.until(() -> client.get("/api/v1/domains/example.test")
                    .body()
                    .path("data")
                    .path("status")
                    .asString()
                    .equals("active"));
            ApiClient.Response accepted = client.post(
                    "/api/v1/domains/example.test/dns/records",
                    "{\"name\":\"processes\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.44\"}");
            assertThat(accepted.status()).isEqualTo(202);
            String job = accepted.body().path("data").path("id").asString();
            Await.until(() -> client.get("/api/v1/jobs/" + job)
                    .body()
                    .path("data")
                    .path("status")
                    .asString()
                    .equals("succeeded"));
            // The audit service, in its own process, stored the command, both job events and the POST's record.
            List<String> types = new ArrayList<>();
            Await.until(() -> {
                types.clear();
                client.get("/api/v1/audit/events?job_id=" + job)
                        .body()
                        .path("data")
                        .path("items")
                        .forEach(event -> types.add(event.path("type").asString()));
                return types.size() >= 4;
            });
            assertThat(types)
                    .containsExactlyInAnyOrder(
                            "io.hostplane.command.dns.record.create.v1",
                            "io.hostplane.job.running.v1",
                            "io.hostplane.job.succeeded.v1",
                            "io.hostplane.api.request.recorded.v1");
        }
        for (ProcessHandle child : children.values()) {
            assertThat(child.isAlive())
                    .as("service process %d after close", child.pid())
                    .isFalse();
        }
    }
}
