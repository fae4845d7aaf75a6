package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/** A tenant may have at most {@code hostplane.jobs.max-active-per-tenant} (50 here) jobs queued or running. */
class ActiveJobLimitApiTest extends ApiIntegrationTest {

    @Test
    void pastTheLimitNewJobsAreRefusedUntilSomeFinishAndOtherTenantsAreNotAffected() throws Exception {
        String first = null;
        for (int i = 0; i < 50; i++) {
            String id = createJob(allToken, zone, i, 202);
            first = first == null ? id : first;
        }
        JsonNode refused = json(
                HttpMethod.POST,
                "/api/v1/domains/" + zone + "/dns/records",
                allToken,
                "{\"name\":\"over\",\"type\":\"A\",\"content\":\"192.0.2.1\"}",
                429);
        assertThat(refused.path("errors").get(0).path("code").asString()).isEqualTo("TOO_MANY_ACTIVE_JOBS");
        exchange(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        "{\"name\":\"over\",\"type\":\"A\",\"content\":\"192.0.2.1\"}",
                        429)
                .expectHeader()
                .valueEquals("Retry-After", "5");
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(50);

        // Another tenant is not held back by this one's backlog.
        String other = accounts.create("other-" + UUID.randomUUID().toString().substring(0, 8))
                .block()
                .id();
        String otherZone = "other-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", otherZone, other);
        createJob(token(other, "*"), otherZone, 0, 202);

        // One finishes (cancelled): there is room for one more.
        json(HttpMethod.POST, "/api/v1/jobs/" + first + "/cancel", allToken, null, 200);
        createJob(allToken, zone, 50, 202);
        createJob(allToken, zone, 51, 429);
    }

    private String createJob(String token, String inZone, int i, int status) {
        return json(
                        HttpMethod.POST,
                        "/api/v1/domains/" + inZone + "/dns/records",
                        token,
                        "{\"name\":\"n" + i + "\",\"type\":\"A\",\"content\":\"192.0.2." + (i % 250 + 1) + "\"}",
                        status)
                .path("data")
                .path("id")
                .asString();
    }
}
