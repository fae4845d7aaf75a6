package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import io.hostplane.sdk.Hostplane;
import io.hostplane.sdk.invoker.ApiResponse;
import io.hostplane.sdk.model.AuditEvent;
import io.hostplane.sdk.model.AuditEventPage;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.Domain;
import io.hostplane.sdk.model.Job;
import io.hostplane.sdk.model.JobEnvelope;
import io.hostplane.sdk.model.JobStatus;
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

/**
 * 200 changes to one record from four concurrent clients: every one is accepted and applied, and the record
 * ends as the change that the platform ordered last — the command with the highest offset in the zone's
 * partition, as the audit log shows it.
 */
class OrderingTest {

    private static final int CHANGES = 200;
    private static DevStack stack;
    private static Sdk client;

    @BeforeAll
    static void start() throws Exception {
        Path data = Path.of("target", "ordering-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(data, FreePorts::next), Map.of()).start(Duration.ofSeconds(120));
        // The demo token allows 120 requests a minute; this test needs more.
        client = Sdk.withTokenFile(stack.apiUrl(), data, "demo-token").withUnlimitedToken("ordering");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void concurrentChangesToOneRecordEndAsTheLastOrderedChange() throws Exception {
        Await.until(() -> client.domains.getDomain("example.test").getData().getStatus() == Domain.StatusEnum.ACTIVE);
        UUID created = client.dns
                .createDnsRecord(
                        "example.test",
                        new DnsRecordInput()
                                .name("race")
                                .type(DnsRecordInput.TypeEnum.TXT)
                                .content("\"start\""),
                        null,
                        null)
                .getData()
                .getId();
        assertThat(Hostplane.awaitJob(client.jobs, created, Duration.ofSeconds(120))
                        .getStatus())
                .isEqualTo(JobStatus.SUCCEEDED);
        UUID recordId = client.dns
                .listDnsRecords("example.test", null, "race", null, null)
                .getData()
                .getItems()
                .get(0)
                .getId();

        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<UUID>> accepted = new ArrayList<>();
        for (int i = 0; i < CHANGES; i++) {
            String content = "\"change-" + i + "\"";
            accepted.add(clients.submit(() -> {
                ApiResponse<JobEnvelope> r = client.dns.replaceDnsRecordWithHttpInfo(
                        "example.test",
                        recordId,
                        new DnsRecordInput()
                                .name("race")
                                .type(DnsRecordInput.TypeEnum.TXT)
                                .content(content),
                        null,
                        null);
                assertThat(r.getStatusCode()).isEqualTo(202);
                return r.getData().getData().getId();
            }));
        }
        List<UUID> jobs = new ArrayList<>();
        for (Future<UUID> f : accepted) {
            jobs.add(f.get());
        }
        clients.shutdown();

        Await.until(() -> {
            List<Job> items = client.jobs
                    .listJobs(jobs, null, null, null, null, null, 200, null)
                    .getData()
                    .getItems();
            int done = 0;
            for (Job job : items) {
                done += job.getStatus() == JobStatus.SUCCEEDED ? 1 : 0;
            }
            return done == CHANGES;
        });

        Map<String, Long> offsetByJob = new HashMap<>();
        Map<String, String> contentByJob = new HashMap<>();
        Await.until(() -> {
            String cursor = null;
            do {
                AuditEventPage page = client.audit
                        .listAuditEvents(
                                null,
                                null,
                                null,
                                List.of("io.hostplane.command.dns.record.replace.v1"),
                                null,
                                null,
                                null,
                                null,
                                null,
                                null,
                                200,
                                cursor)
                        .getData();
                for (AuditEvent event : page.getItems()) {
                    offsetByJob.put(event.getJobId(), event.getOffset());
                    JsonNode data = client.tree(event.getData());
                    contentByJob.put(
                            event.getJobId(),
                            data.path("changes")
                                    .get(0)
                                    .path("record")
                                    .path("content")
                                    .asText());
                }
                cursor = page.getNextCursor();
            } while (cursor != null);
            return offsetByJob
                    .keySet()
                    .containsAll(jobs.stream().map(UUID::toString).toList());
        });
        String lastOrdered = jobs.stream()
                .map(UUID::toString)
                .max((a, b) -> Long.compare(offsetByJob.get(a), offsetByJob.get(b)))
                .orElseThrow();
        String finalContent =
                client.dns.getDnsRecord("example.test", recordId).getData().getContent();
        assertThat(finalContent).isEqualTo(contentByJob.get(lastOrdered));
    }
}
