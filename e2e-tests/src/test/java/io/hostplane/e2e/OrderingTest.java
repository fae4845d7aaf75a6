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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * 200 changes to one record from four concurrent clients: every one is accepted and applied, and the record
 * ends as the change that the platform ordered last — the command with the highest offset in the zone's
 * partition, as the audit log shows it.
 */
class OrderingTest {

    private static final int CHANGES = 200;
    private static DevStack stack;
    private static ApiClient client;

    @BeforeAll
    static void start() throws Exception {
        Path data = Path.of("target", "ordering-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(data, FreePorts::next), Map.of()).start(Duration.ofSeconds(120));
        ApiClient demo = new ApiClient(
                stack.apiUrl(), Files.readString(data.resolve("demo-token")).trim());
        // The demo token allows 120 requests a minute; this test needs more.
        String token = demo.post(
                        "/api/v1/tokens",
                        "{\"description\":\"ordering\",\"scopes\":[\"*\"],\"rate_limit\":{\"limit\":100000,\"period_seconds\":60}}")
                .body()
                .path("data")
                .path("token")
                .asString();
        client = new ApiClient(stack.apiUrl(), token);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void concurrentChangesToOneRecordEndAsTheLastOrderedChange() throws Exception {
        Await.until(() -> client.get("/api/v1/domains/example.test")
                .body()
                .path("data")
                .path("status")
                .asString()
                .equals("active"));
        String created = client.post(
                        "/api/v1/domains/example.test/dns/records",
                        "{\"name\":\"race\",\"type\":\"TXT\",\"content\":\"\\\"start\\\"\"}")
                .body()
                .path("data")
                .path("id")
                .asString();
        Await.until(() -> status(created).equals("succeeded"));
        String recordId = client.get("/api/v1/domains/example.test/dns/records?name=race")
                .body()
                .path("data")
                .path("items")
                .get(0)
                .path("id")
                .asString();
        String path = "/api/v1/domains/example.test/dns/records/" + recordId;

        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<String>> accepted = new ArrayList<>();
        for (int i = 0; i < CHANGES; i++) {
            String content = "\\\"change-" + i + "\\\"";
            accepted.add(clients.submit(() -> {
                ApiClient.Response r =
                        client.put(path, "{\"name\":\"race\",\"type\":\"TXT\",\"content\":\"" + content + "\"}");
                assertThat(r.status()).isEqualTo(202);
                return r.body().path("data").path("id").asString();
            }));
        }
        List<String> jobs = new ArrayList<>();
        for (Future<String> f : accepted) {
            jobs.add(f.get());
        }
        clients.shutdown();

        StringBuilder ids = new StringBuilder("/api/v1/jobs?limit=200");
        jobs.forEach(id -> ids.append("&id=").append(id));
        Await.until(() -> {
            JsonNode items = client.get(ids.toString()).body().path("data").path("items");
            int done = 0;
            for (JsonNode job : items) {
                done += job.path("status").asString().equals("succeeded") ? 1 : 0;
            }
            return done == CHANGES;
        });

        Map<String, Long> offsetByJob = new HashMap<>();
        Map<String, String> contentByJob = new HashMap<>();
        Await.until(() -> {
            String cursor = null;
            do {
                JsonNode page = client.get(
                                "/api/v1/audit/events?type=io.hostplane.command.dns.record.replace.v1&limit=200"
                                        + (cursor == null ? "" : "&cursor=" + cursor))
                        .body()
                        .path("data");
                for (JsonNode event : page.path("items")) {
                    offsetByJob.put(
                            event.path("job_id").asString(),
                            event.path("offset").asLong());
                    contentByJob.put(
                            event.path("job_id").asString(),
                            event.path("data")
                                    .path("changes")
                                    .get(0)
                                    .path("record")
                                    .path("content")
                                    .asString());
                }
                cursor = page.path("next_cursor").isNull()
                        ? null
                        : page.path("next_cursor").asString();
            } while (cursor != null);
            return offsetByJob.keySet().containsAll(jobs);
        });
        String lastOrdered = jobs.stream()
                .max((a, b) -> Long.compare(offsetByJob.get(a), offsetByJob.get(b)))
                .orElseThrow();
        String finalContent =
                client.get(path).body().path("data").path("content").asString();
        assertThat(finalContent).isEqualTo(contentByJob.get(lastOrdered));
    }

    private static String status(String job) throws Exception {
        return client.get("/api/v1/jobs/" + job)
                .body()
                .path("data")
                .path("status")
                .asString();
    }
}
