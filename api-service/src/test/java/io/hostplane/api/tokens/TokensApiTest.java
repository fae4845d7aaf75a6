package io.hostplane.api.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiApplication;
import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.KafkaPolls;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/tokens} and {@code /api/v1/accounts}: lifecycle, restrictions, audit facts, revocation. */
class TokensApiTest extends ApiIntegrationTest {

    @Test
    void aNewTokenIsShownOnceWorksAndIsListedByHintOnly() throws Exception {
        JsonNode created = json(
                HttpMethod.POST,
                "/api/v1/tokens",
                allToken,
                "{\"description\":\"ci\",\"scopes\":[\"dns.read\",\"profile.read\"]}",
                201);
        String token = created.path("data").path("token").asString();
        String id = created.path("data").path("id").asString();
        assertThat(token).startsWith("hp_").hasSize(52);
        assertThat(created.path("data").path("hint").asString()).isEqualTo(token.substring(0, 7) + "…");
        Instant expires = Instant.parse(created.path("data").path("expires_at").asString());
        assertThat(expires)
                .isBetween(
                        Instant.now().plus(364, ChronoUnit.DAYS), Instant.now().plus(366, ChronoUnit.DAYS));

        assertThat(json(HttpMethod.GET, "/api/v1/system/hello", token, null, 200)
                        .path("data")
                        .path("token_id")
                        .asString())
                .isEqualTo(id);
        JsonNode listed = json(HttpMethod.GET, "/api/v1/tokens?limit=200", allToken, null, 200);
        assertThat(listed.toString()).contains(id).doesNotContain(token);
        JsonNode one = json(HttpMethod.GET, "/api/v1/tokens/" + id, allToken, null, 200)
                .path("data");
        assertThat(one.path("token").isNull()).isTrue();
        assertThat(one.path("status").asString()).isEqualTo("active");
        assertThat(one.path("scopes").toString()).isEqualTo("[\"dns.read\",\"profile.read\"]");
        assertThat(count("select count(*) from api.tokens where id = '" + id + "' and hint = '" + token.substring(0, 7)
                        + "…'"))
                .isEqualTo(1);

        JsonNode used = await("last use of token " + id + " written")
                .atMost(Duration.ofSeconds(10))
                .until(
                        () -> json(HttpMethod.GET, "/api/v1/tokens/" + id, allToken, null, 200)
                                .path("data"),
                        t -> !t.path("last_used_at").isNull());
        assertThat(used.path("last_used_ip").asString()).isEqualTo("127.0.0.1");
    }

    @Test
    void aTokenCannotGrantWhatItDoesNotHold() {
        String dnsRead = token(tenant, "dns.read", "tokens.write");
        assertThat(message(HttpMethod.POST, "/api/v1/tokens", dnsRead, "{\"scopes\":[\"dns.write\"]}", 403))
                .contains("cannot grant");
        assertThat(message(HttpMethod.POST, "/api/v1/tokens", dnsRead, "{\"scopes\":[\"*\"]}", 403))
                .contains("cannot grant");
        json(HttpMethod.POST, "/api/v1/tokens", dnsRead, "{\"scopes\":[\"dns.read\"]}", 201);
        // Operator-only scopes cannot be on a tenant's token at all: a 400 naming the field.
        assertThat(json(HttpMethod.POST, "/api/v1/tokens", allToken, "{\"scopes\":[\"platform.admin\"]}", 400)
                        .path("errors")
                        .get(0)
                        .path("field")
                        .asString())
                .isEqualTo("scopes[0]");
        assertThat(message(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"dns.read\"],\"tenant\":\"" + tenant + "\"}",
                        400))
                .contains("platform operator");
    }

    @Test
    void everyInvalidFieldIsNamed() {
        JsonNode body = json(
                HttpMethod.POST,
                "/api/v1/tokens",
                allToken,
                "{\"scopes\":[\"dns.read\",\"nope\"],\"expires_at\":\"2001-01-01T00:00:00Z\","
                        + "\"allowed_cidrs\":[\"300.1.1.1/8\"],\"allowed_domains\":[\"-bad-\"],"
                        + "\"rate_limit\":{\"limit\":0,\"period_seconds\":60}}",
                400);
        assertThat(body.path("errors").toString())
                .contains("scopes[1]", "expires_at", "allowed_cidrs[0]", "allowed_domains[0]", "rate_limit.limit");
        String far = Instant.now().plus(400, ChronoUnit.DAYS).toString();
        assertThat(json(
                                HttpMethod.POST,
                                "/api/v1/tokens",
                                allToken,
                                "{\"scopes\":[\"dns.read\"],\"expires_at\":\"" + far + "\"}",
                                400)
                        .path("errors")
                        .get(0)
                        .path("code")
                        .asString())
                .isEqualTo("TOO_LARGE");
        json(HttpMethod.POST, "/api/v1/tokens", allToken, "{\"scopes\":[]}", 400);
        json(HttpMethod.POST, "/api/v1/tokens", allToken, "{\"description\":\"x\"}", 400);
    }

    @Test
    void allowedNetworksAndDomainsAreEnforced() {
        String elsewhere = create("{\"scopes\":[\"*\"],\"allowed_cidrs\":[\"10.0.0.0/8\"]}");
        assertThat(message(HttpMethod.GET, "/api/v1/system/hello", elsewhere, null, 401))
                .isEqualTo("Token is not allowed from this address.");
        String here = create("{\"scopes\":[\"*\"],\"allowed_cidrs\":[\"10.0.0.0/8\",\"127.0.0.0/8\"]}");
        json(HttpMethod.GET, "/api/v1/system/hello", here, null, 200);

        String otherDomainOnly = create("{\"scopes\":[\"*\"],\"allowed_domains\":[\"other.test\"]}");
        assertThat(message(HttpMethod.GET, "/api/v1/domains/" + zone + "/dns/records", otherDomainOnly, null, 403))
                .contains("not allowed for domain");
        assertThat(json(HttpMethod.GET, "/api/v1/domains", otherDomainOnly, null, 200)
                        .path("data")
                        .path("items")
                        .size())
                .isZero();
        String thisDomain = create("{\"scopes\":[\"*\"],\"allowed_domains\":[\"" + zone.toUpperCase() + "\"]}");
        json(HttpMethod.GET, "/api/v1/domains/" + zone + "/dns/records", thisDomain, null, 200);
    }

    @Test
    void revocationHoldsOnEveryReplicaWithinOneSecond() throws Exception {
        try (ConfigurableApplicationContext second = ApiApplication.builder()
                .run(
                        "--" + PEPPER,
                        "--server.port=0",
                        "--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrapServers(),
                        "--spring.r2dbc.url=" + infra.r2dbcUrl(),
                        "--spring.r2dbc.username=" + infra.user(),
                        "--spring.r2dbc.password=" + infra.password())) {
            WebTestClient replica =
                    client(Integer.parseInt(second.getEnvironment().getProperty("local.server.port")));
            String victim = create("{\"scopes\":[\"profile.read\"]}");
            String id = json(HttpMethod.GET, "/api/v1/system/hello", victim, null, 200)
                    .path("data")
                    .path("token_id")
                    .asString();
            exchange(replica, HttpMethod.GET, "/api/v1/system/hello", victim, null, 200);

            json(HttpMethod.DELETE, "/api/v1/tokens/" + id, allToken, null, 200);
            assertThat(message(HttpMethod.GET, "/api/v1/system/hello", victim, null, 401))
                    .isEqualTo("Token has been revoked.");
            // The promise under test is a time: one second after the revocation, the replica that had the token
            // cached refuses it too (its cache lives under a second). Polling sooner would prove less.
            Thread.sleep(1000);
            String onReplica = exchange(replica, HttpMethod.GET, "/api/v1/system/hello", victim, null, 401)
                    .expectBody(JsonNode.class)
                    .returnResult()
                    .getResponseBody()
                    .path("message")
                    .asString();
            assertThat(onReplica).isEqualTo("Token has been revoked.");
        }
    }

    @Test
    void aRotationRequestThatIsNotAnObjectOrHasAnOutOfRangeGraceRotatesNothing() throws Exception {
        String token = create("{\"scopes\":[\"profile.read\"],\"description\":\"keep\"}");
        String id = idOf(token);
        for (String body : new String[] {
            "\"x\"", "[]", "1", "{\"grace_seconds\":99999999999999999999999}", "{\"grace_seconds\":-1}"
        }) {
            assertThat(message(HttpMethod.POST, "/api/v1/tokens/" + id + "/rotate", allToken, body, 400))
                    .as(body)
                    .containsAnyOf("JSON object", "grace_seconds");
        }
        // Still the one active token of that id: nothing was rotated or revoked.
        json(HttpMethod.GET, "/api/v1/system/hello", token, null, 200);
        assertThat(count("select count(*) from api.tokens where description = 'keep' and revoked_at is null"))
                .isEqualTo(1);
    }

    @Test
    void rotationIssuesASuccessorAndRetiresTheOldTokenAfterTheGrace() throws Exception {
        String old = create("{\"scopes\":[\"profile.read\"],\"description\":\"deploy\"}");
        String oldId = idOf(old);
        JsonNode rotated = json(
                        HttpMethod.POST, "/api/v1/tokens/" + oldId + "/rotate", allToken, "{\"grace_seconds\":60}", 201)
                .path("data");
        String successor = rotated.path("token").asString();
        assertThat(rotated.path("description").asString()).isEqualTo("deploy");
        json(HttpMethod.GET, "/api/v1/system/hello", successor, null, 200);
        json(HttpMethod.GET, "/api/v1/system/hello", old, null, 200);

        String next = json(
                        HttpMethod.POST,
                        "/api/v1/tokens/" + rotated.path("id").asString() + "/rotate",
                        allToken,
                        null,
                        201)
                .path("data")
                .path("token")
                .asString();
        assertThat(message(HttpMethod.GET, "/api/v1/system/hello", successor, null, 401))
                .isEqualTo("Token has been revoked.");
        json(HttpMethod.GET, "/api/v1/system/hello", next, null, 200);
        assertThat(message(
                        HttpMethod.POST,
                        "/api/v1/tokens/" + rotated.path("id").asString() + "/rotate",
                        allToken,
                        null,
                        409))
                .contains("revoked");
    }

    @Test
    void anotherTenantsTokensAreInvisible() {
        String mine = create("{\"scopes\":[\"profile.read\"]}");
        String id = json(HttpMethod.GET, "/api/v1/system/hello", mine, null, 200)
                .path("data")
                .path("token_id")
                .asString();
        String other = token(
                accounts.create("o-" + UUID.randomUUID().toString().substring(0, 8))
                        .block()
                        .id(),
                "*");
        json(HttpMethod.GET, "/api/v1/tokens/" + id, other, null, 404);
        json(HttpMethod.DELETE, "/api/v1/tokens/" + id, other, null, 404);
        json(HttpMethod.POST, "/api/v1/tokens/" + id + "/rotate", other, null, 404);
        assertThat(json(HttpMethod.GET, "/api/v1/tokens?limit=200", other, null, 200)
                        .toString())
                .doesNotContain(id);
        json(HttpMethod.GET, "/api/v1/system/hello", mine, null, 200);
    }

    @Test
    void theOperatorCreatesTenantsAndTheirTokensAndEachIsAudited() throws Exception {
        String operator = tokens.issue(io.hostplane.api.tokens.TokenStore.TokenSpec.simple(
                        null, "operator", "op", List.of("platform.admin")))
                .block()
                .token();
        String name = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode account = json(HttpMethod.POST, "/api/v1/accounts", operator, "{\"name\":\"" + name + "\"}", 201)
                .path("data");
        String accountId = account.path("id").asString();
        assertThat(account.path("cname").asString()).isEqualTo(name);
        json(HttpMethod.POST, "/api/v1/accounts", operator, "{\"name\":\"" + name + "\"}", 409);
        json(HttpMethod.POST, "/api/v1/accounts", operator, "{\"name\":\"Not Valid\"}", 400);
        json(HttpMethod.GET, "/api/v1/accounts/" + accountId, operator, null, 200);
        json(HttpMethod.POST, "/api/v1/accounts", allToken, "{\"name\":\"x-" + name + "\"}", 403);

        JsonNode issued = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        operator,
                        "{\"scopes\":[\"*\"],\"tenant\":\"" + accountId + "\"}",
                        201)
                .path("data");
        String tenantToken = issued.path("token").asString();
        assertThat(json(HttpMethod.GET, "/api/v1/system/hello", tenantToken, null, 200)
                        .path("data")
                        .path("tenant")
                        .asString())
                .isEqualTo(accountId);

        String created = awaitAuditFact(accountId, "io.hostplane.token.created.v1");
        assertThat(created).contains(issued.path("id").asString()).doesNotContain(tenantToken);
        assertThat(awaitAuditFact(accountId, "io.hostplane.account.created.v1")).contains(name);
    }

    /** The id of {@code token}, as the token itself sees it. */
    private String idOf(String token) {
        return json(HttpMethod.GET, "/api/v1/system/hello", token, null, 200)
                .path("data")
                .path("token_id")
                .asString();
    }

    private String create(String body) {
        return json(HttpMethod.POST, "/api/v1/tokens", allToken, body, 201)
                .path("data")
                .path("token")
                .asString();
    }

    private String awaitAuditFact(String key, String type) {
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "tokens-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of("hostplane.audit"));
            return KafkaPolls.first(
                            type + " for " + key + " on hostplane.audit",
                            Duration.ofSeconds(30),
                            consumer,
                            r -> key.equals(r.key()) && r.value().contains("\"type\":\"" + type + "\""))
                    .value();
        }
    }
}
