package io.hostplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.event.CloudEvent;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;

/**
 * The API alone, on a real PostgreSQL and a real Kafka broker (no worker, no audit service): envelope,
 * authentication, scopes, validation, tenant confinement and job acceptance.
 */
class ApiSkeletonTest extends ApiIntegrationTest {

    @Test
    void noTokenIs401WithAChallengeInTheEnvelope() {
        JsonNode body = exchange(HttpMethod.GET, "/api/v1/system/hello", null, null, 401)
                .expectHeader()
                .valueMatches("WWW-Authenticate", "Bearer.*")
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(body.path("success").asBoolean()).isFalse();
        assertThat(body.path("status").asInt()).isEqualTo(401);
        assertThat(body.path("error").asString()).isEqualTo("Unauthorized");
        assertThat(body.path("errors").isArray()).isTrue();
    }

    @Test
    void everyKindOfBadTokenHasItsOwnMessage() {
        assertThat(message(HttpMethod.GET, "/api/v1/system/hello", "nonsense", null, 401))
                .contains("Malformed token");
        String unknown = io.hostplane.common.token.ApiTokenFormat.generate();
        assertThat(message(HttpMethod.GET, "/api/v1/system/hello", unknown, null, 401))
                .isEqualTo("Unknown token.");
        String revoked = token(tenant, "*");
        sql(
                "update api.tokens set revoked_at = now() where hint = ?",
                io.hostplane.common.token.ApiTokenFormat.hint(revoked));
        assertThat(message(HttpMethod.GET, "/api/v1/system/hello", revoked, null, 401))
                .contains("revoked");
    }

    @Test
    void helloNamesTenantTokenAndScopes() {
        JsonNode body = exchange(HttpMethod.GET, "/api/v1/system/hello", allToken, null, 200)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(body.path("success").asBoolean()).isTrue();
        assertThat(body.path("data").path("tenant").asString()).isEqualTo(tenant);
        assertThat(body.path("data").path("token_id").asString()).startsWith("tok_");
        assertThat(body.path("data").path("scopes").toString())
                .contains("dns.write")
                .doesNotContain("platform.admin");
        assertThat(body.path("warnings").isArray()).isTrue();
    }

    @Test
    void aMissingScopeIs403AndNamesTheScope() {
        String readOnly = token(tenant, "dns.read");
        assertThat(message(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        readOnly,
                        record("www", "A", 300, "192.0.2.1"),
                        403))
                .isEqualTo("Token lacks scope dns.write.");
        // dns.write does not imply dns.read
        String writeOnly = token(tenant, "dns.write");
        assertThat(message(HttpMethod.GET, "/api/v1/domains/" + zone + "/dns/records", writeOnly, null, 403))
                .isEqualTo("Token lacks scope dns.read.");
    }

    @Test
    void malformedJsonIs400AndCreatesNoJob() throws Exception {
        int before = jobCount();
        JsonNode body = exchange(
                        HttpMethod.POST, "/api/v1/domains/" + zone + "/dns/records", allToken, "{\"name\": ", 400)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(body.path("errors").get(0).path("code").asString()).isEqualTo("MALFORMED_JSON");
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void anInvalidRecordIs400WithEveryFieldNamedAndCreatesNoJob() throws Exception {
        int before = jobCount();
        JsonNode body = exchange(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        "{\"name\":\"www\",\"type\":\"XX\",\"ttl\":5,\"content\":\"1.2.3.4\"}",
                        400)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(body.path("errors").toString())
                .contains("\"field\":\"type\"")
                .contains("\"field\":\"ttl\"")
                .contains("TOO_SMALL");
        JsonNode badContent = exchange(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        record("www", "A", 300, "not-an-address"),
                        400)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(badContent.path("errors").get(0).path("field").asString()).isEqualTo("content");
        JsonNode outside = exchange(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        record("www.elsewhere.test.", "A", 300, "192.0.2.1"),
                        400)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(outside.path("errors").get(0).path("code").asString()).isEqualTo("NOT_IN_ZONE");
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void unknownPathIs404AndWrongMethodIs405WithAllow() {
        JsonNode notFound = exchange(HttpMethod.GET, "/api/v1/no-such-thing", allToken, null, 404)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(notFound.path("success").asBoolean()).isFalse();
        assertThat(notFound.path("status").asInt()).isEqualTo(404);
        exchange(HttpMethod.DELETE, "/api/v1/system/hello", allToken, null, 405)
                .expectHeader()
                .valueMatches("Allow", ".*GET.*")
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(405);
    }

    @Test
    void aNameThatCannotBeRegisteredIsRefusedWithNothingCreated() throws Exception {
        int before = jobCount();
        for (String name : List.of("co.uk", "github.io", "example.notarealtld")) {
            JsonNode refused = json(HttpMethod.POST, "/api/v1/domains", allToken, "{\"name\":\"" + name + "\"}", 400);
            assertThat(refused.path("errors").get(0).path("code").asString()).isEqualTo("NOT_REGISTRABLE");
            assertThat(count("select count(*) from api.domains where name = '" + name + "'"))
                    .isZero();
        }
        assertThat(jobCount()).isEqualTo(before);
    }

    @Test
    void anotherTenantsDomainIs404NeverItsData() {
        String otherTenant = accounts.create(
                        "other-" + UUID.randomUUID().toString().substring(0, 8))
                .block()
                .id();
        String other = token(otherTenant, "*");
        String body = exchange(HttpMethod.GET, "/api/v1/domains/" + zone + "/dns/records", other, null, 404)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(body).doesNotContain(tenant);
        exchange(
                HttpMethod.POST,
                "/api/v1/domains/" + zone + "/dns/records",
                other,
                record("www", "A", 300, "192.0.2.1"),
                404);
        exchange(HttpMethod.GET, "/api/v1/domains/" + zone, other, null, 404);
    }

    @Test
    void aValidRecordIsAcceptedAsAJobAndItsCommandReachesKafka() throws Exception {
        EntityExchangeResult<JsonNode> result = exchange(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        record("www", "A", 300, "192.0.2.10"),
                        202)
                .expectBody(JsonNode.class)
                .returnResult();
        JsonNode job = result.getResponseBody().path("data");
        String jobId = job.path("id").asString();
        assertThat(result.getResponseHeaders().getLocation()).hasToString("/api/v1/jobs/" + jobId);
        assertThat(job.path("status").asString()).isEqualTo("queued");
        assertThat(job.path("tenant").asString()).isEqualTo(tenant);

        ConsumerRecord<String, String> command = awaitCommand(jobId);
        assertThat(command.key()).isEqualTo(tenant + "/zone/" + zone);
        CloudEvent event = codec.read(command.value());
        assertThat(event.type()).isEqualTo("io.hostplane.command.dns.record.create.v1");
        assertThat(event.specversion()).isEqualTo("1.0");
        assertThat(event.tenant()).isEqualTo(tenant);
        assertThat(event.requestid()).isEqualTo(result.getResponseHeaders().getFirst("X-Request-Id"));
        assertThat(event.data().path("record").path("content").asString()).isEqualTo("192.0.2.10");
        assertThat(command.value()).doesNotContain(allToken);

        exchange(HttpMethod.GET, "/api/v1/jobs/" + jobId, allToken, null, 200)
                .expectHeader()
                .exists("Retry-After")
                .expectBody()
                .jsonPath("$.data.status")
                .isEqualTo("queued");
        exchange(
                HttpMethod.GET,
                "/api/v1/jobs/" + jobId,
                token(
                        accounts.create("x-" + UUID.randomUUID().toString().substring(0, 8))
                                .block()
                                .id(),
                        "*"),
                null,
                404);
        // The job's rows (its command and the request's record) leave the outbox once Kafka has them: acknowledged
        // rows are deleted in groups, within half a second (OutboxPublisher). Counted by the job's id: other tests'
        // background facts (a webhook disabled after failing) come and go meanwhile.
        org.awaitility.Awaitility.await("the job's rows gone from the outbox")
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> count("select count(*) from api.outbox where payload like '%" + jobId + "%'") == 0);
    }

    @Test
    void listsAreItemsAndANextCursor() {
        for (int i = 0; i < 3; i++) {
            exchange(
                    HttpMethod.POST,
                    "/api/v1/domains/" + zone + "/dns/records",
                    allToken,
                    record("n" + i, "A", 300, "192.0.2." + i),
                    202);
        }
        JsonNode first = exchange(HttpMethod.GET, "/api/v1/jobs?limit=2", allToken, null, 200)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody()
                .path("data");
        assertThat(first.path("items").size()).isEqualTo(2);
        String cursor = first.path("next_cursor").asString();
        assertThat(cursor).isNotBlank();
        JsonNode second = exchange(HttpMethod.GET, "/api/v1/jobs?limit=2&cursor=" + cursor, allToken, null, 200)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody()
                .path("data");
        assertThat(second.path("items").size()).isEqualTo(1);
        assertThat(second.path("next_cursor").isNull()).isTrue();
        exchange(HttpMethod.GET, "/api/v1/jobs?limit=500", allToken, null, 400);
    }

    @Test
    void healthIsPublicAndSays503WhileNoWorkerConsumes() {
        JsonNode body = exchange(HttpMethod.GET, "/api/v1/health", null, null, 503)
                .expectHeader()
                .exists("Retry-After")
                .expectHeader()
                .exists("X-Request-Id")
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        JsonNode components = body.path("data").path("components");
        assertThat(components.path("postgres").path("status").asString()).isEqualTo("up");
        assertThat(components.path("kafka").path("status").asString()).isEqualTo("up");
        assertThat(components.path("workers").path("status").asString()).isEqualTo("down");
    }

    @Test
    void theScopeListIsPublicAndOmitsTheOperatorOnlyScopes() {
        JsonNode body = exchange(HttpMethod.GET, "/api/v1/oauth/scopes", null, null, 200)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(body.path("data").path("items").size())
                .isEqualTo(io.hostplane.common.scope.Scope.tenantScopes().size());
        assertThat(body.path("data").toString())
                .contains("\"dns.write\"")
                .contains("Stream the audit log to your own collectors.")
                .contains("Read webhook subscriptions and their deliveries.")
                .contains("Change webhook subscriptions and their deliveries.")
                .contains("Read websites (nginx sites) and their deployments.")
                .contains("Change websites (nginx sites) and their deployments.")
                .doesNotContain("platform settings")
                .doesNotContain("platform.admin")
                .doesNotContain("platform.read");
    }

    @Test
    void theCookieAuthenticatesReadsButNotChanges() {
        http.get()
                .uri("/api/v1/system/hello")
                .cookie("api_access_token", allToken)
                .exchange()
                .expectStatus()
                .isOk();
        http.post()
                .uri("/api/v1/domains/" + zone + "/dns/records")
                .cookie("api_access_token", allToken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(record("www", "A", 300, "192.0.2.1"))
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void headersOverEightKibibytesAre431BeforeAnyAuthentication() {
        http.get()
                .uri("/api/v1/system/hello")
                .header("X-Padding", "p".repeat(9000))
                .exchange()
                .expectStatus()
                .isEqualTo(431)
                .expectHeader()
                .exists("X-Request-Id")
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(431)
                .jsonPath("$.success")
                .isEqualTo(false);
    }

    @Test
    void aDeclaredBodyOverOneMebibyteIs413EvenBeforeTheTokenIsChecked() {
        http.post()
                .uri("/api/v1/domains/" + zone + "/dns/records")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"" + "a".repeat(1_100_000) + "\"}")
                .exchange()
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(413);
    }

    @Test
    void corsIsClosedByDefault() {
        http.options()
                .uri("/api/v1/system/hello")
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .exchange()
                .expectHeader()
                .doesNotExist("Access-Control-Allow-Origin");
    }

    @Test
    void aBodyOverOneMebibyteIs413() {
        String big = "{\"name\":\"" + "a".repeat(1_100_000) + "\"}";
        exchange(HttpMethod.POST, "/api/v1/domains/" + zone + "/dns/records", allToken, big, 413);
    }

    // --- helpers ---

    private static String record(String name, String type, int ttl, String content) {
        return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"ttl\":" + ttl + ",\"content\":\"" + content
                + "\"}";
    }

    private int jobCount() throws Exception {
        return count("select count(*) from api.jobs where tenant_id = '" + tenant + "'");
    }
}
