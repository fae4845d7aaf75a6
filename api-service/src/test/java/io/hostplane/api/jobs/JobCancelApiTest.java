package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/** {@code POST /jobs/{id}/cancel}: a queued job is cancelled and claimed; anything further along is a 409. */
class JobCancelApiTest extends ApiIntegrationTest {

    private String newJob() {
        return json(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        "{\"name\":\"c" + UUID.randomUUID().toString().substring(0, 6)
                                + "\",\"type\":\"A\",\"content\":\"192.0.2.8\"}",
                        202)
                .path("data")
                .path("id")
                .asString();
    }

    @Test
    void aQueuedJobIsCancelledAndClaimedSoNoWorkerRunsIt() throws Exception {
        String job = newJob();
        JsonNode cancelled = json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", allToken, null, 200)
                .path("data");
        assertThat(cancelled.path("status").asString()).isEqualTo("cancelled");
        assertThat(cancelled.path("finished_at").isNull()).isFalse();
        assertThat(count(
                        "select count(*) from control.job_claims where job_id = '" + job + "' and claim = 'cancelled'"))
                .isEqualTo(1);
        JsonNode again = json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", allToken, null, 409);
        assertThat(again.path("message").asString()).contains("cancelled");
        assertThat(again.path("errors").get(0).path("code").asString()).isEqualTo("CANCELLED");
    }

    @Test
    void aJobAWorkerStartedIs409Running() throws Exception {
        String job = newJob();
        sql("insert into control.job_claims (job_id, claim) values (?::uuid, 'started')", job);
        JsonNode refused = json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", allToken, null, 409);
        assertThat(refused.path("errors").get(0).path("code").asString()).isEqualTo("RUNNING");
        assertThat(json(HttpMethod.GET, "/api/v1/jobs/" + job, allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("queued");
    }

    @Test
    void cancellingNeedsJobsWrite() {
        String job = newJob();
        json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", token(tenant, "jobs.read"), null, 403);
    }
}
