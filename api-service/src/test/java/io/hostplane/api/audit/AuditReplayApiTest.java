package io.hostplane.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.KafkaPolls;
import io.hostplane.api.tokens.TokenStore;
import io.hostplane.common.event.CancelReplay;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.event.ReplayAudit;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/audit/replays}: what the API accepts (a job whose command goes to {@code
 * hostplane.audit-replays}, keyed by the job id), what it refuses before any job exists (bad ranges, targets,
 * types, a tenant reaching for another tenant or for the store), cancelling a replay (a request to the audit
 * service, {@code 202}), and the job following the progress the audit service reports.
 */
class AuditReplayApiTest extends ApiIntegrationTest {

    @Autowired
    KafkaTemplate<String, String> kafka;

    private String operator() {
        return tokens.issue(TokenStore.TokenSpec.simple(null, "operator", "op", List.of("platform.admin")))
                .block()
                .token();
    }

    @Test
    void aTenantReplayBecomesAJobWhoseCommandIsConfinedToTheTenant() throws Exception {
        String topic = "hostplane.replay." + tenant + ".incident";
        JsonNode accepted = json(
                HttpMethod.POST,
                "/api/v1/audit/replays",
                token(tenant, "audit.replay", "jobs.read"),
                "{\"from\":\"2026-11-01T00:00:00Z\",\"types\":[\"" + EventTypes.REQUEST_RECORDED + "\"],"
                        + "\"target\":{\"kind\":\"topic\",\"topic\":\"" + topic + "\"},\"rate\":500}",
                202);
        JsonNode job = accepted.path("data");
        assertThat(job.path("type").asString()).isEqualTo(JobTypes.AUDIT_REPLAY);
        assertThat(job.path("status").asString()).isEqualTo("queued");
        String id = job.path("id").asString();

        ConsumerRecord<String, String> record = await(Topics.AUDIT_REPLAYS, v -> v.contains(id));
        assertThat(record.key()).isEqualTo(id);
        CloudEvent command = codec.read(record.value());
        assertThat(command.type()).isEqualTo(EventTypes.command(JobTypes.AUDIT_REPLAY));
        assertThat(command.tenant()).isEqualTo(tenant);
        ReplayAudit replay = codec.data(command, ReplayAudit.class);
        // Not given, and still only this tenant's events.
        assertThat(replay.tenant()).isEqualTo(tenant);
        assertThat(replay.types()).containsExactly(EventTypes.REQUEST_RECORDED);
        assertThat(replay.target()).isEqualTo(new ReplayAudit.Target("topic", topic, null));
        assertThat(replay.rate()).isEqualTo(500);
        assertThat(replay.from()).isEqualTo("2026-11-01T00:00:00Z");
    }

    @Test
    void badRequestsAreRefusedBeforeAnyJobExists() throws Exception {
        String token = token(tenant, "audit.replay");
        int before = count("select count(*) from api.jobs where tenant_id = '" + tenant + "'");
        String file = "{\"kind\":\"file\",\"path\":\"" + tenant + "-x.ndjson\"}";
        List<String[]> bad = List.of(
                new String[] {"{}", "target"},
                new String[] {"[]", null},
                new String[] {"{\"target\":{\"kind\":\"ftp\"}}", "target.kind"},
                new String[] {"{\"target\":{\"kind\":\"topic\",\"topic\":\"hostplane.commands\"}}", "target.topic"},
                new String[] {
                    "{\"target\":{\"kind\":\"topic\",\"topic\":\"hostplane.replay.t_other.x\"}}", "target.topic"
                },
                new String[] {"{\"target\":{\"kind\":\"file\",\"path\":\"../../etc/passwd\"}}", "target.path"},
                new String[] {"{\"target\":{\"kind\":\"file\",\"path\":\"x.ndjson\"}}", "target.path"},
                new String[] {
                    "{\"from\":\"2026-11-02T00:00:00Z\",\"to\":\"2026-11-01T00:00:00Z\",\"target\":" + file + "}", "to"
                },
                new String[] {"{\"from\":\"yesterday\",\"target\":" + file + "}", "from"},
                new String[] {"{\"types\":[\"io.hostplane.nothing.v1\"],\"target\":" + file + "}", "types"},
                new String[] {"{\"topics\":[\"hostplane.audit-replays\"],\"target\":" + file + "}", "topics"},
                new String[] {
                    "{\"from\":\"2026-11-01T00:00:00Z\",\"offsets\":[{\"topic\":\"hostplane.audit\",\"partition\":0,"
                            + "\"from\":0}],\"target\":" + file + "}",
                    "offsets"
                },
                new String[] {
                    "{\"offsets\":[{\"topic\":\"hostplane.audit\",\"partition\":0,\"from\":5,\"to\":5}],\"target\":"
                            + file + "}",
                    "offsets[0].to"
                },
                new String[] {"{\"rate\":0,\"target\":" + file + "}", "rate"},
                new String[] {"{\"speed\":1,\"target\":" + file + "}", "speed"});
        for (String[] b : bad) {
            JsonNode refused = json(HttpMethod.POST, "/api/v1/audit/replays", token, b[0], 400);
            assertThat(refused.path("success").asBoolean(true)).as(b[0]).isFalse();
            if (b[1] != null) {
                List<String> fields = new ArrayList<>();
                refused.path("errors").forEach(e -> fields.add(e.path("field").asString()));
                assertThat(fields).as(b[0]).contains(b[1]);
            }
        }
        // Another tenant's events are not there to replay; the store is the operator's.
        json(
                HttpMethod.POST,
                "/api/v1/audit/replays",
                token,
                "{\"tenant\":\"t_someone_else\",\"target\":" + file + "}",
                404);
        json(HttpMethod.POST, "/api/v1/audit/replays", token, "{\"target\":{\"kind\":\"store\"}}", 403);
        // audit.read is not audit.replay.
        json(HttpMethod.POST, "/api/v1/audit/replays", token(tenant, "audit.read"), "{\"target\":" + file + "}", 403);
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(before);
        // A rebuild takes no filters.
        json(
                HttpMethod.POST,
                "/api/v1/audit/replays",
                operator(),
                "{\"tenant\":\"" + tenant + "\",\"target\":{\"kind\":\"store\"}}",
                400);
    }

    @Test
    void aReplayIsCancelledThroughTheAuditServiceAndFollowsItsProgress() throws Exception {
        String operator = operator();
        JsonNode job = json(
                        HttpMethod.POST,
                        "/api/v1/audit/replays",
                        operator,
                        "{\"offsets\":[{\"topic\":\"hostplane.audit\",\"partition\":0,\"from\":0}],"
                                + "\"target\":{\"kind\":\"file\",\"path\":\"op-" + tenant + ".ndjson\"}}",
                        202)
                .path("data");
        String id = job.path("id").asString();
        assertThat(job.path("tenant").asString()).isEqualTo("platform");

        // The audit service reports progress: the job moves on with it, and only forward.
        send(id, JobStatus.RUNNING, 10);
        awaitProgress(operator, id, 10);
        send(id, JobStatus.RUNNING, 40);
        awaitProgress(operator, id, 40);
        send(id, JobStatus.RUNNING, 20);

        JsonNode cancel = json(HttpMethod.POST, "/api/v1/jobs/" + id + "/cancel", operator, null, 202);
        assertThat(cancel.path("data").path("status").asString()).isEqualTo("running");
        ConsumerRecord<String, String> request =
                await(Topics.AUDIT_REPLAYS, v -> v.contains(id) && v.contains(EventTypes.AUDIT_REPLAY_CANCEL));
        assertThat(request.key()).isEqualTo(id);
        assertThat(codec.data(codec.read(request.value()), CancelReplay.class).jobId())
                .isEqualTo(id);

        send(id, JobStatus.CANCELLED, null);
        JsonNode now = Awaitility.await("job " + id + " cancelled")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> json(HttpMethod.GET, "/api/v1/jobs/" + id, operator, null, 200)
                                .path("data"),
                        j -> j.path("status").asString().equals("cancelled"));
        assertThat(now.path("progress").asInt()).isEqualTo(40);
        // Finished: a second cancellation is the usual 409.
        json(HttpMethod.POST, "/api/v1/jobs/" + id + "/cancel", operator, null, 409);
        // The tenant does not see the operator's replay.
        json(HttpMethod.GET, "/api/v1/jobs/" + id, allToken, null, 404);
    }

    private void send(String job, JobStatus status, Integer progress) throws Exception {
        CloudEvent event = codec.event(
                "/hostplane/audit-service",
                EventTypes.job(status),
                "audit/replays",
                "platform",
                null,
                job,
                null,
                new JobStateChanged(job, JobTypes.AUDIT_REPLAY, status, 1, List.of(), null, null, null, progress));
        kafka.send(Topics.JOB_EVENTS, job, codec.write(event)).get();
    }

    private void awaitProgress(String token, String job, int progress) {
        JsonNode now = Awaitility.await("job " + job + " at " + progress + " %")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> json(HttpMethod.GET, "/api/v1/jobs/" + job, token, null, 200)
                                .path("data"),
                        j -> j.path("progress").asInt(-1) == progress);
        assertThat(now.path("status").asString()).isEqualTo("running");
        assertThat(now.path("progress").asInt()).isEqualTo(progress);
    }

    /** The first record on {@code topic} whose value {@code matches}, read from the start for 30 s. */
    private ConsumerRecord<String, String> await(String topic, Predicate<String> matches) {
        try (var consumer = fromStart(topic)) {
            return KafkaPolls.first(
                    "the record on " + topic, Duration.ofSeconds(30), consumer, r -> matches.test(r.value()));
        }
    }
}
