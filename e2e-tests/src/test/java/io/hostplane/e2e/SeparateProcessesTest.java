package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import io.hostplane.sdk.invoker.ApiResponse;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.Domain;
import io.hostplane.sdk.model.JobEnvelope;
import io.hostplane.sdk.model.JobStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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

            // Each service answers its own readiness (PostgreSQL and Kafka) and metrics on its own port. These are
            // the services' management endpoints, not the public API: the SDK has no operation for them.
            HttpClient http = HttpClient.newHttpClient();
            for (int port :
                    List.of(stack.settings().workerPort(), stack.settings().auditPort())) {
                HttpResponse<String> ready = get(http, port, "/actuator/health/readiness");
                assertThat(ready.statusCode()).isEqualTo(200);
                JsonNode health = JsonMapper.builder().build().readTree(ready.body());
                assertThat(health.path("components").path("db").path("status").asString())
                        .isEqualTo("UP");
                assertThat(health.path("components")
                                .path("kafka")
                                .path("status")
                                .asString())
                        .isEqualTo("UP");
                assertThat(get(http, port, "/actuator/prometheus").statusCode()).isEqualTo(200);
            }

            Sdk client = Sdk.withTokenFile(stack.apiUrl(), data, "demo-token");
            Await.until(
                    () -> client.domains.getDomain("example.test").getData().getStatus() == Domain.StatusEnum.ACTIVE);
            ApiResponse<JobEnvelope> accepted = client.dns.createDnsRecordWithHttpInfo(
                    "example.test",
                    new DnsRecordInput()
                            .name("processes")
                            .type(DnsRecordInput.TypeEnum.A)
                            .ttl(300)
                            .content("192.0.2.44"),
                    null,
                    null);
            assertThat(accepted.getStatusCode()).isEqualTo(202);
            UUID job = accepted.getData().getData().getId();
            Await.until(
                    () -> client.jobs.getJob(job, null, null, null).getData().getStatus() == JobStatus.SUCCEEDED);
            // The audit service, in its own process, stored the command, the outcome and the POST's record (and a
            // running event only if the job had taken more than a second), each once.
            List<String> types = new ArrayList<>();
            Await.until(() -> {
                types.clear();
                client.audit
                        .listAuditEvents(
                                null, null, null, null, null, null, job.toString(), null, null, null, null, null)
                        .getData()
                        .getItems()
                        .forEach(event -> types.add(event.getType()));
                return types.containsAll(JOB_AUDIT_TRAIL);
            });
            assertThat(types).doesNotHaveDuplicates().isSubsetOf(WITH_RUNNING);
        }
        for (ProcessHandle child : children.values()) {
            assertThat(child.isAlive())
                    .as("service process %d after close", child.pid())
                    .isFalse();
        }
    }

    static final List<String> JOB_AUDIT_TRAIL = List.of(
            "io.hostplane.command.dns.record.create.v1",
            "io.hostplane.job.succeeded.v1",
            "io.hostplane.api.request.recorded.v1");
    static final List<String> WITH_RUNNING = List.of(
            "io.hostplane.command.dns.record.create.v1",
            "io.hostplane.job.running.v1",
            "io.hostplane.job.succeeded.v1",
            "io.hostplane.api.request.recorded.v1");

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
