package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

/** {@code Idempotency-Key}: retries are safe, misuse is refused, keys belong to a tenant. */
class IdempotencyApiTest extends ApiIntegrationTest {

    private EntityExchangeResult<JsonNode> post(String token, String key, String body, int status) {
        return http.post()
                .uri("/api/v1/domains/" + zone + "/dns/records")
                .header("Authorization", "Bearer " + token)
                .header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody(JsonNode.class)
                .returnResult();
    }

    private static final String RECORD = "{\"name\":\"www\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.10\"}";

    @Test
    void aRetryWithTheSameKeyAndBodyReplaysTheFirstAnswer() throws Exception {
        String key = UUID.randomUUID().toString();
        var first = post(allToken, key, RECORD, 202);
        var again = post(allToken, key, RECORD, 202);
        String job = first.getResponseBody().path("data").path("id").asString();
        assertThat(again.getResponseBody().path("data").path("id").asString()).isEqualTo(job);
        assertThat(again.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.getResponseHeaders().getFirst("Idempotent-Replayed")).isNull();
        assertThat(again.getResponseHeaders().getLocation()).hasToString("/api/v1/jobs/" + job);
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(1);
    }

    @Test
    void theStoredFingerprintIsKeyedSoItConfirmsNoGuessOfTheBody() throws Exception {
        post(allToken, "fingerprint", RECORD, 202);
        byte[] plain = java.security.MessageDigest.getInstance("SHA-256")
                .digest(("POST\0/api/v1/domains/" + zone + "/dns/records\0" + RECORD)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (var c = connection();
                var s = c.prepareStatement(
                        "select request_hash from api.idempotency_keys where tenant_id = ? and idem_key = 'fingerprint'")) {
            s.setString(1, tenant);
            try (var rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).hasSize(32).isNotEqualTo(plain);
            }
        }
    }

    @Test
    void theSameKeyWithAnotherBodyIs422() {
        String key = UUID.randomUUID().toString();
        post(allToken, key, RECORD, 202);
        JsonNode refused = post(allToken, key, RECORD.replace("192.0.2.10", "192.0.2.11"), 422)
                .getResponseBody();
        assertThat(refused.path("message").asString()).contains("different request");
    }

    @Test
    void aKeyStillBeingAnsweredIs409() throws Exception {
        String key = UUID.randomUUID().toString();
        var first = post(allToken, "probe-" + key, RECORD, 202);
        assertThat(first.getResponseBody().path("success").asBoolean()).isTrue();
        // A claim with no job yet, as a request in flight leaves it, for this exact request:
        sql(
                "insert into api.idempotency_keys (tenant_id, idem_key, request_hash) "
                        + "select tenant_id, ?, request_hash from api.idempotency_keys where tenant_id = ? and idem_key = ?",
                key,
                tenant,
                "probe-" + key);
        JsonNode busy = post(allToken, key, RECORD, 409).getResponseBody();
        assertThat(busy.path("message").asString()).contains("still being answered");
    }

    @Test
    void aRefusedRequestReleasesItsKeyForTheCorrectedOne() throws Exception {
        String key = UUID.randomUUID().toString();
        post(allToken, key, RECORD.replace("192.0.2.10", "not-an-address"), 400);
        post(allToken, key, RECORD, 202);
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(1);
    }

    @Test
    void aBodilessChangeWithAKeyRunsExactlyOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        sql(
                "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content) values (?::uuid, ?, ?, 'x', 'A', 300, '192.0.2.1')",
                id,
                tenant,
                zone);
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            http.delete()
                    .uri("/api/v1/domains/" + zone + "/dns/records/" + id)
                    .header("Authorization", "Bearer " + allToken)
                    .header("Idempotency-Key", key)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(202);
        }
        // Nothing to wait for: a 202 is answered after its job's commit, a second job would be there already.
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(1);
    }

    @Test
    void keysBelongToATenant() throws Exception {
        String key = UUID.randomUUID().toString();
        String first = post(allToken, key, RECORD, 202)
                .getResponseBody()
                .path("data")
                .path("id")
                .asString();
        String otherTenant = accounts.create(
                        "idem-" + UUID.randomUUID().toString().substring(0, 8))
                .block()
                .id();
        String otherZone = "other-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", otherZone, otherTenant);
        JsonNode second = http.post()
                .uri("/api/v1/domains/" + otherZone + "/dns/records")
                .header("Authorization", "Bearer " + token(otherTenant, "*"))
                .header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(RECORD)
                .exchange()
                .expectStatus()
                .isEqualTo(202)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(second.path("data").path("id").asString()).isNotEqualTo(first);
        exchange(HttpMethod.GET, "/api/v1/jobs/" + first, allToken, null, 200);
    }
}
