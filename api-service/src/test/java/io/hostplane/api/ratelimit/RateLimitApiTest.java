package io.hostplane.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

/** Per-token limits as callers see them: headers on every answer, 429 with Retry-After past the limit. */
class RateLimitApiTest extends ApiIntegrationTest {

    @Test
    void everyAnswerToATokenCarriesTheLimitHeaders() {
        exchange(HttpMethod.GET, "/api/v1/system/hello", allToken, null, 200)
                .expectHeader()
                .valueEquals("RateLimit-Limit", "120")
                .expectHeader()
                .valueEquals("RateLimit-Remaining", "119")
                .expectHeader()
                .exists("RateLimit-Reset");
        exchange(HttpMethod.GET, "/api/v1/no-such-route", allToken, null, 404)
                .expectHeader()
                .valueEquals("RateLimit-Remaining", "118");
    }

    @Test
    void pastItsOwnLimitATokenGets429WithRetryAfter() {
        String limited = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"profile.read\"],\"rate_limit\":{\"limit\":3,\"period_seconds\":60}}",
                        201)
                .path("data")
                .path("token")
                .asString();
        for (int i = 2; i >= 0; i--) {
            exchange(HttpMethod.GET, "/api/v1/system/hello", limited, null, 200)
                    .expectHeader()
                    .valueEquals("RateLimit-Limit", "3")
                    .expectHeader()
                    .valueEquals("RateLimit-Remaining", Integer.toString(i));
        }
        JsonNode refused = exchange(HttpMethod.GET, "/api/v1/system/hello", limited, null, 429)
                .expectHeader()
                .valueMatches("Retry-After", "[1-9][0-9]*")
                .expectHeader()
                .valueEquals("RateLimit-Remaining", "0")
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(refused.path("status").asInt()).isEqualTo(429);
        assertThat(refused.path("message").asString()).contains("token's rate limit of 3");
        exchange(HttpMethod.GET, "/api/v1/system/hello", allToken, null, 200);
    }

    @Test
    void publicOAuthEndpointsAreLimitedPerClientAddress() {
        // A client address of its own (127.0.0.3), so that other tests' calls do not count.
        WebTestClient fromElsewhere = WebTestClient.bindToServer(new ReactorClientHttpConnector(
                        HttpClient.create().bindAddress(() -> new InetSocketAddress("127.0.0.3", 0))))
                .baseUrl("http://127.0.0.1:" + env.getProperty("local.server.port"))
                .build();
        for (int i = 59; i >= 0; i--) {
            exchange(fromElsewhere, HttpMethod.GET, "/api/v1/oauth/scopes", null, null, 200)
                    .expectHeader()
                    .valueEquals("RateLimit-Limit", "60")
                    .expectHeader()
                    .valueEquals("RateLimit-Remaining", Integer.toString(i));
        }
        exchange(fromElsewhere, HttpMethod.GET, "/api/v1/oauth/scopes", null, null, 429)
                .expectHeader()
                .exists("Retry-After");
        exchange(HttpMethod.GET, "/api/v1/oauth/scopes", null, null, 200);
        exchange(HttpMethod.GET, "/api/v1/health", null, null, 503)
                .expectHeader()
                .doesNotExist("RateLimit-Limit");
    }
}
