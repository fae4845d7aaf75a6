package io.hostplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
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
        assertThat(refused.path("message").asString()).contains("Rate limit of 3");
        exchange(HttpMethod.GET, "/api/v1/system/hello", allToken, null, 200);
    }

    @Test
    void publicRoutesCarryNoTokenLimit() {
        exchange(HttpMethod.GET, "/api/v1/oauth/scopes", null, null, 200)
                .expectHeader()
                .doesNotExist("RateLimit-Limit");
    }
}
