package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * The whole platform as {@code ./hostplane dev} starts it (real Kafka, real PostgreSQL, the three services),
 * driven only through the public HTTP API with the demo token that the first start wrote.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Path dataDir;
    private static DevStack stack;
    private static ApiClient demo;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Path.of("target", "e2e-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(dataDir, FreePorts::next), Map.of()).start(Duration.ofSeconds(120));
        demo = new ApiClient(
                stack.apiUrl(), Files.readString(dataDir.resolve("demo-token")).trim());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void firstStartWritesPrivateTokenFilesAndTheDemoDomain() throws Exception {
        for (String file : List.of("demo-token", "admin-token")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(file))))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(dataDir.resolve(file)).trim())
                    .startsWith("hp_")
                    .hasSize(52);
        }
        JsonNode domain = await(
                () -> demo.get("/api/v1/domains/example.test").body(),
                body -> "active".equals(body.path("data").path("status").asString()));
        assertThat(domain.path("data").path("name").asString()).isEqualTo("example.test");
        ApiClient.Response hello = demo.get("/api/v1/system/hello");
        assertThat(hello.status()).isEqualTo(200);
        assertThat(hello.body().path("data").path("scopes").toString())
                .contains("dns.write")
                .doesNotContain("platform.admin");
    }

    @Test
    @Order(2)
    void aRecordChangeTravelsApiKafkaWorkerAndAudit() throws Exception {
        ApiClient.Response accepted = demo.post(
                "/api/v1/domains/example.test/dns/records",
                "{\"name\":\"www\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.10\"}");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode job = accepted.body().path("data");
        String jobId = job.path("id").asString();
        String requestId = accepted.header("X-Request-Id");
        assertThat(accepted.body().path("success").asBoolean()).isTrue();
        assertThat(accepted.body().path("request_id").asString()).isEqualTo(requestId);
        assertThat(accepted.header("Location")).isEqualTo("/api/v1/jobs/" + jobId);
        assertThat(job.path("type").asString()).isEqualTo("dns.record.create");
        assertThat(job.path("status").asString()).isEqualTo("queued");

        JsonNode done = await(
                () -> demo.get("/api/v1/jobs/" + jobId).body(),
                body -> body.path("data").path("status").asString().equals("succeeded"));
        assertThat(done.path("data").path("attempts").asInt()).isEqualTo(1);
        assertThat(done.path("data").path("finished_at").isNull()).isFalse();

        JsonNode records = demo.get("/api/v1/domains/example.test/dns/records?type=A")
                .body()
                .path("data");
        assertThat(records.path("next_cursor").isNull()).isTrue();
        List<String> contents = new ArrayList<>();
        records.path("items")
                .forEach(r -> contents.add(r.path("name").asString() + " "
                        + r.path("type").asString() + " " + r.path("ttl").asInt() + " "
                        + r.path("content").asString()));
        assertThat(contents).contains("www A 300 192.0.2.10");

        JsonNode byJob = await(
                () -> demo.get("/api/v1/audit/events?job_id=" + jobId).body(),
                body -> types(body).size() >= 4);
        // Each exactly once; the POST's request record names the job it created too.
        assertThat(types(byJob))
                .containsExactlyInAnyOrder(
                        "io.hostplane.command.dns.record.create.v1",
                        "io.hostplane.job.running.v1",
                        "io.hostplane.job.succeeded.v1",
                        "io.hostplane.api.request.recorded.v1");

        JsonNode byRequest = await(
                () -> demo.get("/api/v1/audit/events?request_id=" + requestId).body(),
                body -> types(body).contains("io.hostplane.api.request.recorded.v1"));
        JsonNode record = null;
        for (JsonNode item : byRequest.path("data").path("items")) {
            if (item.path("type").asString().equals("io.hostplane.api.request.recorded.v1")) {
                record = item.path("data");
            }
        }
        assertThat(record).isNotNull();
        assertThat(record.path("method").asString()).isEqualTo("POST");
        assertThat(record.path("status").asInt()).isEqualTo(202);
        assertThat(record.path("job_id").asString()).isEqualTo(jobId);
        assertThat(record.toString()).doesNotContain("hp_");
    }

    @Test
    @Order(3)
    void aBatchThenAReplaceAndADeleteReachTheRecordList() throws Exception {
        ApiClient.Response batch = demo.patch(
                "/api/v1/domains/example.test/dns/records",
                "{\"changes\":[{\"op\":\"create\",\"record\":{\"name\":\"mail\",\"type\":\"MX\",\"priority\":10,\"content\":\"mx1\"}},"
                        + "{\"op\":\"create\",\"record\":{\"name\":\"@\",\"type\":\"TXT\",\"content\":\"\\\"v=spf1 -all\\\"\"}}]}");
        assertThat(batch.status()).isEqualTo(202);
        String batchJob = batch.body().path("data").path("id").asString();
        await(
                () -> demo.get("/api/v1/jobs/" + batchJob).body(),
                body -> body.path("data").path("status").asString().equals("succeeded"));
        JsonNode mx = demo.get("/api/v1/domains/example.test/dns/records?type=MX")
                .body()
                .path("data")
                .path("items")
                .get(0);
        assertThat(mx.path("content").asString()).isEqualTo("mx1.example.test.");
        assertThat(mx.path("priority").asInt()).isEqualTo(10);

        String mxId = mx.path("id").asString();
        ApiClient.Response replaced = demo.put(
                "/api/v1/domains/example.test/dns/records/" + mxId,
                "{\"name\":\"mail\",\"type\":\"MX\",\"priority\":20,\"content\":\"mx2\"}");
        assertThat(replaced.status()).isEqualTo(202);
        String replaceJob = replaced.body().path("data").path("id").asString();
        await(
                () -> demo.get("/api/v1/jobs/" + replaceJob).body(),
                body -> body.path("data").path("status").asString().equals("succeeded"));
        assertThat(demo.get("/api/v1/domains/example.test/dns/records/" + mxId)
                        .body()
                        .path("data")
                        .path("content")
                        .asString())
                .isEqualTo("mx2.example.test.");

        ApiClient.Response deleted = demo.delete("/api/v1/domains/example.test/dns/records/" + mxId);
        assertThat(deleted.status()).isEqualTo(202);
        String deleteJob = deleted.body().path("data").path("id").asString();
        await(
                () -> demo.get("/api/v1/jobs/" + deleteJob).body(),
                body -> body.path("data").path("status").asString().equals("succeeded"));
        assertThat(demo.get("/api/v1/domains/example.test/dns/records/" + mxId).status())
                .isEqualTo(404);
        assertThat(demo.get("/api/v1/domains/example.test/dns/records?type=TXT")
                        .body()
                        .path("data")
                        .path("items")
                        .size())
                .isEqualTo(1);
    }

    @Test
    @Order(4)
    void anotherTenantMadeByTheOperatorSeesNoneOfDemosAuditOrJobs() throws Exception {
        ApiClient operator = new ApiClient(
                stack.apiUrl(), Files.readString(dataDir.resolve("admin-token")).trim());
        ApiClient.Response account = operator.post(
                "/api/v1/accounts",
                "{\"name\":\"other-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        assertThat(account.status()).isEqualTo(201);
        String otherTenant = account.body().path("data").path("id").asString();
        ApiClient.Response issued =
                operator.post("/api/v1/tokens", "{\"scopes\":[\"*\"],\"tenant\":\"" + otherTenant + "\"}");
        assertThat(issued.status()).isEqualTo(201);
        ApiClient other = new ApiClient(
                stack.apiUrl(), issued.body().path("data").path("token").asString());

        String demoJob = demo.get("/api/v1/jobs?limit=1")
                .body()
                .path("data")
                .path("items")
                .get(0)
                .path("id")
                .asString();
        JsonNode audit = other.get("/api/v1/audit/events?job_id=" + demoJob).body();
        assertThat(audit.path("data").path("items").size()).isZero();
        assertThat(other.get("/api/v1/jobs/" + demoJob).status()).isEqualTo(404);
        assertThat(other.get("/api/v1/domains/example.test/dns/records").status())
                .isEqualTo(404);
        assertThat(other.get("/api/v1/jobs").body().path("data").path("items").size())
                .isZero();
        // The operator sees across tenants.
        assertThat(types(operator.get("/api/v1/audit/events?job_id=" + demoJob).body()))
                .isNotEmpty();
    }

    @Test
    @Order(5)
    void aRestartKeepsJobsTokensAndAudit() throws Exception {
        JsonNode before = demo.get("/api/v1/jobs?limit=200").body().path("data").path("items");
        assertThat(before.size()).isGreaterThanOrEqualTo(2);
        String someJob = before.get(0).path("id").asString();
        stack.close();
        stack = new DevStack(stack.settings(), Map.of()).start(Duration.ofSeconds(120));

        ApiClient.Response job = demo.get("/api/v1/jobs/" + someJob);
        assertThat(job.status()).isEqualTo(200);
        assertThat(job.body().path("data").path("status").asString()).isEqualTo("succeeded");
        assertThat(demo.get("/api/v1/jobs?limit=200")
                        .body()
                        .path("data")
                        .path("items")
                        .size())
                .isEqualTo(before.size());
        assertThat(types(demo.get("/api/v1/audit/events?job_id=" + someJob).body()))
                .contains("io.hostplane.job.succeeded.v1");
    }

    private static List<String> types(JsonNode body) {
        List<String> types = new ArrayList<>();
        body.path("data").path("items").forEach(i -> types.add(i.path("type").asString()));
        return types;
    }

    private static JsonNode await(Callable<JsonNode> call, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = call.call();
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("condition not met within " + WAIT + "; last answer: " + last);
    }
}
