package io.hostplane.api.domains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
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
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** DELETE /domains/{domain}: a job; the domain takes no more changes; its success frees the name. */
class DomainDeletionApiTest extends ApiIntegrationTest {

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Test
    void aDeletedDomainTakesNoMoreChangesAndIsGoneWithItsRecordsOnceTheJobSucceeds() throws Exception {
        sql(
                "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content) "
                        + "values (?::uuid, ?, ?, 'www', 'A', 300, '192.0.2.1')",
                UUID.randomUUID().toString(),
                tenant,
                zone);
        JsonNode job = json(HttpMethod.DELETE, "/api/v1/domains/" + zone, allToken, null, 202);
        String jobId = job.path("data").path("id").asString();
        assertThat(job.path("data").path("type").asString()).isEqualTo("domain.delete");

        var command = awaitCommand(jobId);
        assertThat(command.key()).isEqualTo(tenant + "/zone/" + zone);
        assertThat(JsonMapper.builder()
                        .build()
                        .readTree(command.value())
                        .path("data")
                        .path("zone")
                        .asString())
                .isEqualTo(zone);
        assertThat(json(HttpMethod.GET, "/api/v1/domains/" + zone, allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("deleting");
        assertThat(json(
                                HttpMethod.POST,
                                "/api/v1/domains/" + zone + "/dns/records",
                                allToken,
                                "{\"name\":\"x\",\"type\":\"A\",\"content\":\"192.0.2.2\"}",
                                409)
                        .path("errors")
                        .get(0)
                        .path("code")
                        .asString())
                .isEqualTo("DOMAIN_DELETING");

        exchange(
                HttpMethod.PUT,
                "/api/v1/domains/" + zone + "/ssl",
                allToken,
                "{\"certificate\":\"x\",\"private_key\":\"y\"}",
                409);
        http.put()
                .uri("/api/v1/domains/" + zone + "/dns/zonefile")
                .header("Authorization", "Bearer " + allToken)
                .contentType(MediaType.parseMediaType("text/dns"))
                .bodyValue("www IN A 192.0.2.3\n")
                .exchange()
                .expectStatus()
                .isEqualTo(409);

        succeed(jobId);
        awaitGone();
        assertThat(count("select count(*) from api.dns_records where zone = '" + zone + "'"))
                .isZero();
        // The name is free again, for this tenant or another.
        exchange(HttpMethod.POST, "/api/v1/domains", allToken, "{\"name\":\"" + zone + "\"}", 202);
    }

    @Test
    void aPendingDomainCannotBeDeletedAndAnotherTenantsDomainIsNotFound() {
        String pending = "pending-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'pending')", pending, tenant);
        exchange(HttpMethod.DELETE, "/api/v1/domains/" + pending, allToken, null, 409);

        String other = token(
                accounts.create("other-" + UUID.randomUUID().toString().substring(0, 8))
                        .block()
                        .id(),
                "*");
        exchange(HttpMethod.DELETE, "/api/v1/domains/" + zone, other, null, 404);
        assertThat(json(HttpMethod.GET, "/api/v1/domains/" + zone, allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("active");
    }

    /** The job's succeeded event as the worker sends it. */
    private void succeed(String jobId) throws Exception {
        var event = codec.event(
                "/test-worker",
                EventTypes.job(JobStatus.SUCCEEDED),
                "domains/" + zone,
                tenant,
                null,
                jobId,
                null,
                new JobStateChanged(
                        jobId,
                        "domain.delete",
                        JobStatus.SUCCEEDED,
                        1,
                        List.of(),
                        null,
                        codec.tree(Map.of("zone", zone)),
                        null));
        kafka.send(Topics.JOB_EVENTS, jobId, codec.write(event)).get();
    }

    private void awaitGone() throws Exception {
        await("domain " + zone + " gone")
                .atMost(Duration.ofSeconds(30))
                .until(() -> count("select count(*) from api.domains where name = '" + zone + "'") == 0);
        exchange(HttpMethod.GET, "/api/v1/domains/" + zone, allToken, null, 404);
    }
}
