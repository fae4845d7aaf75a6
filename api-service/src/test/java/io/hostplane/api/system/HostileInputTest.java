package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.testing.OAuthTestSupport;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Input no client should send, read in one place: request JSON (NUL characters, unpaired surrogates, numbers
 * beyond 64 bits or beyond a field's range, bodies that are not objects), query parameters and form bodies.
 * Every case is a 400 in the envelope naming the field, and nothing is created.
 */
class HostileInputTest extends OAuthTestSupport {

    @Test
    void aNulCharacterOrAnUnpairedSurrogateInAStringIsRefusedByName() throws Exception {
        String marker = "hostile-" + UUID.randomUUID();
        for (String bad : new String[] {"a\\u0000b", "a\\ud800b", "a\\udc00", "\\ud800"}) {
            JsonNode refused = json(
                    HttpMethod.POST,
                    "/api/v1/tokens",
                    allToken,
                    "{\"description\":\"" + marker + bad + "\",\"scopes\":[\"dns.read\"]}",
                    400);
            assertThat(refused.path("errors").get(0).path("field").asString()).isEqualTo("description");
        }
        JsonNode nested = json(
                HttpMethod.POST,
                "/api/v1/tokens",
                allToken,
                "{\"description\":\"" + marker + "\",\"scopes\":[\"dns.read\",\"a\\u0000\"]}",
                400);
        assertThat(nested.path("errors").get(0).path("field").asString()).isEqualTo("scopes[1]");
        JsonNode key = json(
                HttpMethod.POST,
                "/api/v1/tokens",
                allToken,
                "{\"description\":\"" + marker + "\",\"scopes\":[\"dns.read\"],\"x\\u0000\":1}",
                400);
        assertThat(key.path("errors").get(0).path("message").asString()).contains("NUL");
        assertThat(count("select count(*) from api.tokens where description like '" + marker + "%'"))
                .isZero();
    }

    @Test
    void bytesThatAreNotUtf8AreMalformedJson() {
        byte[] head = "{\"description\":\"".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\",\"scopes\":[\"dns.read\"]}".getBytes(StandardCharsets.UTF_8);
        // A lone 0xFF, and a surrogate encoded as three UTF-8 bytes (which UTF-8 forbids).
        for (byte[] middle : new byte[][] {{(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            byte[] body = new byte[head.length + middle.length + tail.length];
            System.arraycopy(head, 0, body, 0, head.length);
            System.arraycopy(middle, 0, body, head.length, middle.length);
            System.arraycopy(tail, 0, body, head.length + middle.length, tail.length);
            JsonNode refused =
                    refusal(HttpMethod.POST, "/api/v1/tokens", Map.of(), MediaType.APPLICATION_JSON, body, 400);
            assertThat(refused.path("message").asString()).isNotBlank();
        }
    }

    @Test
    void numbersBeyondSixtyFourBitsOrAFieldsRangeAreRefusedByName() throws Exception {
        for (String limit : new String[] {"1180591620717411303424", "1099511627776", "-1099511627776", "1e400"}) {
            JsonNode refused = json(
                    HttpMethod.POST,
                    "/api/v1/tokens",
                    allToken,
                    "{\"scopes\":[\"dns.read\"],\"rate_limit\":{\"limit\":" + limit + ",\"period_seconds\":60}}",
                    400);
            assertThat(refused.path("errors").toString()).contains("rate_limit.limit");
        }
        String replay = token(tenant, "audit.replay");
        for (String rate : new String[] {"1000000000000000000000000000000", "4294967296", "1.5"}) {
            JsonNode refused = json(
                    HttpMethod.POST,
                    "/api/v1/audit/replays",
                    replay,
                    "{\"from\":\"2026-11-01T00:00:00Z\",\"target\":{\"kind\":\"topic\",\"topic\":\"hostplane.replay."
                            + tenant + ".x\"},\"rate\":" + rate + "}",
                    400);
            assertThat(refused.path("errors").toString()).contains("\"rate\"");
        }
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefusedOnEveryJsonRoute() throws Exception {
        String[][] routes = {
            {"POST", "/api/v1/tokens"},
            {"POST", "/api/v1/domains"},
            {"POST", "/api/v1/users"},
            {"POST", "/api/v1/backups"},
            {"POST", "/api/v1/audit/replays"},
            {"POST", "/api/v1/domains/" + zone + "/dns/records"},
            {"PATCH", "/api/v1/domains/" + zone + "/dns/records"},
            {"PUT", "/api/v1/domains/" + zone + "/ssl"},
            {"POST", "/api/v1/oauth/requests"},
        };
        for (String[] route : routes) {
            for (String body : new String[] {"\"x\"", "[]", "1", "true", "null", "[{\"a\":1}]"}) {
                JsonNode refused = json(HttpMethod.valueOf(route[0]), route[1], allToken, body, 400);
                assertThat(refused.path("message").asString())
                        .as(route[0] + " " + route[1] + " " + body)
                        .contains("JSON object");
            }
        }
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void aBodyOfAnotherContentTypeIsA415NamingWhatTheRouteTakes() throws Exception {
        String[][] routes = {
            {"POST", "/api/v1/tokens"},
            {"POST", "/api/v1/domains"},
            {"POST", "/api/v1/domains/" + zone + "/dns/records"},
            {"PATCH", "/api/v1/domains/" + zone + "/dns/records"},
            {"PUT", "/api/v1/domains/" + zone + "/ssl"},
            {"POST", "/api/v1/backups"},
            {"POST", "/api/v1/audit/replays"},
        };
        for (String[] route : routes) {
            for (MediaType type : new MediaType[] {MediaType.TEXT_PLAIN, MediaType.APPLICATION_XML}) {
                JsonNode refused = refusal(
                        HttpMethod.valueOf(route[0]), route[1], Map.of(), type, "{\"scopes\":[\"dns.read\"]}", 415);
                assertThat(refused.path("message").asString()).as(route[1]).isNotBlank();
            }
        }
        String requestId = request(http, "[\"dns.read\"]").path("id").asString();
        from("127.0.0.67")
                .post()
                .uri("/oauth/authorize/" + requestId + "/sign-in")
                .header("Origin", origin)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"username\":\"x\"}")
                .exchange()
                .expectStatus()
                .isEqualTo(415)
                .expectHeader()
                .exists("X-Request-Id");
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void anIdempotencyKeyIsPrintableAsciiOfAtMost255Characters() throws Exception {
        for (String key : new String[] {"a".repeat(256), "caf\u00e9"}) {
            JsonNode refused = refusal(
                    HttpMethod.POST,
                    "/api/v1/domains/" + zone + "/dns/records",
                    Map.of("Idempotency-Key", key),
                    MediaType.APPLICATION_JSON,
                    "{\"type\":\"A\",\"name\":\"www\",\"content\":\"192.0.2.1\",\"ttl\":300}",
                    400);
            assertThat(refused.path("errors").get(0).path("field").asString()).isEqualTo("Idempotency-Key");
        }
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void queryParametersAreCheckedLikeJsonFields() {
        JsonNode nul = json(HttpMethod.GET, "/api/v1/audit/events?type=a%00b", allToken, null, 400);
        assertThat(nul.path("errors").get(0).path("field").asString()).isEqualTo("type");
        JsonNode surrogate = json(HttpMethod.GET, "/api/v1/jobs?status=%ED%A0%80", allToken, null, 400);
        assertThat(surrogate.path("errors").toString()).contains("status");
        JsonNode huge = json(HttpMethod.GET, "/api/v1/jobs?limit=99999999999999999999", allToken, null, 400);
        assertThat(huge.path("errors").get(0).path("field").asString()).isEqualTo("limit");
        JsonNode word = json(HttpMethod.GET, "/api/v1/tokens?limit=ten", allToken, null, 400);
        assertThat(word.path("errors").get(0).path("field").asString()).isEqualTo("limit");
    }

    @Test
    void garbageFormsOnTheApprovalPageAreRefusedNotFailed() {
        String requestId = request(http, "[\"dns.read\"]").path("id").asString();
        // An address of its own: sign-in attempts are limited per client address, and other tests sign in too.
        WebTestClient browser = from("127.0.0.66");
        for (String path : new String[] {"/sign-in", "/decision"}) {
            for (String body : new String[] {
                "username=%ZZ&password=x", "username=a%00b&password=x", "csrf=%E0%A4%A&decision=approve", "%", "=&=&"
            }) {
                int status = browser.post()
                        .uri("/oauth/authorize/" + requestId + path)
                        .header("Origin", origin)
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .bodyValue(body)
                        .exchange()
                        .expectHeader()
                        .exists("X-Request-Id")
                        .returnResult(String.class)
                        .getStatus()
                        .value();
                assertThat(status).as(path + " " + body).isBetween(400, 499);
            }
        }
        JsonNode named = browser.post()
                .uri("/oauth/authorize/" + requestId + "/sign-in")
                .header("Origin", origin)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("username=a%00b&password=x")
                .exchange()
                .expectStatus()
                .isEqualTo(400)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(named.path("errors").get(0).path("field").asString()).isEqualTo("username");
        // The page still signs the user in with a proper form.
        assertThat(signIn(browser, requestId)).isNotBlank();
    }

    /**
     * Sends {@code body} with the tenant's all-scopes token (and {@code headers}) and returns the refusal, checked
     * to carry {@code status} and a request id.
     */
    private JsonNode refusal(
            HttpMethod method, String uri, Map<String, String> headers, MediaType type, Object body, int status) {
        return http.method(method)
                .uri(uri)
                .header("Authorization", "Bearer " + allToken)
                .headers(h -> headers.forEach(h::add))
                .contentType(type)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .exists("X-Request-Id")
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }
}
