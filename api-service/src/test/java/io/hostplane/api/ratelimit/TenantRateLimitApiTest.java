package io.hostplane.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, items 2 and 4: the tenant-wide limit binds all of a tenant's tokens together; {@code GET
 * /rate-limit} shows the caller's token and tenant windows without counting; the headers and a 429's body say
 * which limit it is.
 */
class TenantRateLimitApiTest extends ApiIntegrationTest {

    private void tenantLimit(int limit, int periodSeconds) {
        json(
                HttpMethod.PATCH,
                "/api/v1/accounts/" + tenant,
                token(null, "platform.admin"),
                "{\"limits\":{\"tenant_rate_limit\":{\"limit\":" + limit + ",\"period_seconds\":" + periodSeconds
                        + "}}}",
                200);
    }

    private JsonNode windows(String token) {
        return json(HttpMethod.GET, "/api/v1/rate-limit", token, null, 200).path("data");
    }

    @Test
    void theRateLimitEndpointShowsBothWindowsAndIsNotCounted() {
        tenantLimit(500, 3600);
        JsonNode first = windows(allToken);
        assertThat(first.path("token").path("limit").asInt()).isEqualTo(120);
        assertThat(first.path("token").path("period_seconds").asInt()).isEqualTo(60);
        assertThat(first.path("token").path("remaining").asInt()).isEqualTo(120);
        assertThat(first.path("token").path("reset").asLong()).isBetween(1L, 60L);
        assertThat(first.path("token").path("reset_at").asString()).isNotBlank();
        assertThat(first.path("tenant").path("limit").asInt()).isEqualTo(500);
        assertThat(first.path("tenant").path("period_seconds").asInt()).isEqualTo(3600);
        assertThat(first.path("tenant").path("remaining").asInt()).isEqualTo(500);
        for (int i = 0; i < 5; i++) {
            windows(allToken);
        }
        JsonNode again = windows(allToken);
        assertThat(again.path("token").path("remaining").asInt()).isEqualTo(120);
        assertThat(again.path("tenant").path("remaining").asInt()).isEqualTo(500);

        exchange(HttpMethod.GET, "/api/v1/system/hello", allToken, null, 200)
                .expectHeader()
                .valueEquals("RateLimit-Remaining", "119")
                .expectHeader()
                .valueEquals("RateLimit-Scope", "token");
        String other = token(tenant, "profile.read");
        exchange(HttpMethod.GET, "/api/v1/system/hello", other, null, 200);
        JsonNode after = windows(allToken);
        assertThat(after.path("token").path("remaining").asInt()).isEqualTo(119);
        assertThat(after.path("tenant").path("remaining").asInt()).isEqualTo(498);

        // The platform operator's token belongs to no tenant: only its own window.
        JsonNode operator = windows(token(null, "platform.admin"));
        assertThat(operator.path("tenant").isNull()).isTrue();
        assertThat(operator.path("token").path("limit").asInt()).isEqualTo(120);
    }

    @Test
    void theTenantsTokensShareOneLimitAndThe429SaysWhichLimitWasHit() {
        tenantLimit(10, 3600);
        String[] tokens = {allToken, token(tenant, "profile.read"), token(tenant, "profile.read")};
        int ok = 0;
        JsonNode refused = null;
        for (int i = 0; i < 30; i++) {
            var result = http.get()
                    .uri("/api/v1/system/hello")
                    .header("Authorization", "Bearer " + tokens[i % 3])
                    .exchange()
                    .expectBody(JsonNode.class)
                    .returnResult();
            int status = result.getStatus().value();
            assertThat(status).isIn(200, 429);
            if (status == 200) {
                ok++;
            } else {
                refused = result.getResponseBody();
                assertThat(result.getResponseHeaders().getFirst("RateLimit-Scope"))
                        .isEqualTo("tenant");
                assertThat(result.getResponseHeaders().getFirst("RateLimit-Limit"))
                        .isEqualTo("10");
                assertThat(result.getResponseHeaders().getFirst("RateLimit-Remaining"))
                        .isEqualTo("0");
                assertThat(result.getResponseHeaders().getFirst("Retry-After")).matches("[1-9][0-9]*");
            }
        }
        // Three tokens of 120 each, one tenant of 10: the tenant's limit holds, exactly on one replica.
        assertThat(ok).isEqualTo(10);
        assertThat(refused.path("status").asInt()).isEqualTo(429);
        assertThat(refused.path("message").asString())
                .contains("account's rate limit")
                .contains("10");
        assertThat(refused.path("errors").get(0).path("code").asString()).isEqualTo("TENANT_RATE_LIMITED");
        JsonNode windows = windows(allToken);
        assertThat(windows.path("tenant").path("remaining").asInt()).isZero();
        assertThat(windows.path("token").path("remaining").asInt()).isGreaterThan(100);

        // Another tenant is not held back.
        String otherTenant =
                accounts.create("other-" + tenant.substring(2, 10)).block().id();
        exchange(HttpMethod.GET, "/api/v1/system/hello", token(otherTenant, "*"), null, 200);
    }

    @Test
    void aTokensOwnLimitIsNamedWhenItIsTheOneHit() {
        String limited = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"profile.read\"],\"rate_limit\":{\"limit\":2,\"period_seconds\":600}}",
                        201)
                .path("data")
                .path("token")
                .asString();
        exchange(HttpMethod.GET, "/api/v1/system/hello", limited, null, 200);
        exchange(HttpMethod.GET, "/api/v1/system/hello", limited, null, 200);
        JsonNode refused = exchange(HttpMethod.GET, "/api/v1/system/hello", limited, null, 429)
                .expectHeader()
                .valueEquals("RateLimit-Scope", "token")
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(refused.path("errors").get(0).path("code").asString()).isEqualTo("TOKEN_RATE_LIMITED");
        assertThat(refused.path("message").asString()).contains("token's rate limit of 2");
    }
}
