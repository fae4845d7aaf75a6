package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Job events are keyed by job id, so two jobs on one record can be folded in either order. The record list
 * must end as the backend did: the change whose command came later wins, and a delete is not undone by an
 * older change folded after it.
 */
class OutOfOrderFoldingTest extends ApiIntegrationTest {

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Test
    void theLaterCommandWinsWhateverOrderItsEventIsFoldedIn() throws Exception {
        String id = UUID.randomUUID().toString();
        sql(
                "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content) values (?::uuid, ?, ?, 'www', 'A', 300, '192.0.2.1')",
                id,
                tenant,
                zone);
        String path = "/api/v1/domains/" + zone + "/dns/records/" + id;
        String first = replace(path, "192.0.2.10");
        String second = replace(path, "192.0.2.20");

        succeed(second, 20, "replace", id, "192.0.2.20");
        succeed(first, 10, "replace", id, "192.0.2.10");
        // Job events are keyed by job id, so the two may be folded on different partitions in either order:
        // wait for both, then the later command's content must be the one kept.
        awaitSucceeded(first);
        awaitSucceeded(second);
        assertThat(json(HttpMethod.GET, path, allToken, null, 200)
                        .path("data")
                        .path("content")
                        .asString())
                .isEqualTo("192.0.2.20");

        String delete = json(HttpMethod.DELETE, path, allToken, null, 202)
                .path("data")
                .path("id")
                .asString();
        String late = replace(path, "192.0.2.30");
        succeed(delete, 40, "delete", id, null);
        succeed(late, 30, "replace", id, "192.0.2.30");
        awaitSucceeded(late);
        awaitSucceeded(delete);
        json(HttpMethod.GET, path, allToken, null, 404);
        assertThat(json(HttpMethod.GET, "/api/v1/domains/" + zone + "/dns/records", allToken, null, 200)
                        .path("data")
                        .path("items")
                        .size())
                .isZero();
    }

    private String replace(String path, String content) {
        return json(
                        HttpMethod.PUT,
                        path,
                        allToken,
                        "{\"name\":\"www\",\"type\":\"A\",\"ttl\":300,\"content\":\"" + content + "\"}",
                        202)
                .path("data")
                .path("id")
                .asString();
    }

    /** Sends the job's succeeded event as a worker would, with the command's sequence. */
    private void succeed(String jobId, long sequence, String op, String recordId, String content) throws Exception {
        DnsRecord record = content == null ? null : new DnsRecord(recordId, "www", "A", 300, content, null);
        var result =
                codec.tree(Map.of("zone", zone, "changes", List.of(new ApplyDnsChanges.Change(op, recordId, record))));
        String type = op.equals("delete") ? "dns.record.delete" : "dns.record.replace";
        var event = codec.event(
                "/test-worker",
                EventTypes.job(JobStatus.SUCCEEDED),
                "x",
                tenant,
                null,
                jobId,
                null,
                new JobStateChanged(jobId, type, JobStatus.SUCCEEDED, 1, List.of(), null, result, sequence));
        kafka.send(Topics.JOB_EVENTS, jobId, codec.write(event)).get();
    }

    private void awaitSucceeded(String jobId) {
        await("job " + jobId + " folded as succeeded")
                .atMost(Duration.ofSeconds(30))
                .until(() -> json(HttpMethod.GET, "/api/v1/jobs/" + jobId, allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString()
                        .equals("succeeded"));
    }
}
