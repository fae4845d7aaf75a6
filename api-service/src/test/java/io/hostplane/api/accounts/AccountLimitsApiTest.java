package io.hostplane.api.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, item 2: the operator sets a tenant's limits with a JSON merge patch of the account, reads them
 * back, and bad patches change nothing (400/403/404 naming the field).
 */
class AccountLimitsApiTest extends ApiIntegrationTest {

    String operator;

    @BeforeEach
    void operator() {
        operator = token(null, "platform.admin");
    }

    private JsonNode limits() {
        return json(HttpMethod.GET, "/api/v1/accounts/" + tenant, operator, null, 200)
                .path("data")
                .path("limits");
    }

    private JsonNode patch(String body, int status) {
        return json(HttpMethod.PATCH, "/api/v1/accounts/" + tenant, operator, body, status);
    }

    private static List<String> fields(JsonNode refused) {
        List<String> fields = new ArrayList<>();
        refused.path("errors").forEach(e -> fields.add(e.path("field").asString()));
        return fields;
    }

    @Test
    void theOperatorSetsReadsAndResetsATenantsLimits() {
        JsonNode defaults = limits();
        assertThat(defaults.toString())
                .isEqualTo("{\"token_rate_limit\":{\"limit\":6000,\"period_seconds\":60},"
                        + "\"tenant_rate_limit\":{\"limit\":600000,\"period_seconds\":60},\"active_jobs\":50}");

        JsonNode changed = patch(
                        "{\"limits\":{\"tenant_rate_limit\":{\"limit\":1000},\"token_rate_limit\":{\"limit\":300,"
                                + "\"period_seconds\":3600},\"active_jobs\":7}}",
                        200)
                .path("data");
        assertThat(changed.path("id").asString()).isEqualTo(tenant);
        assertThat(changed.path("limits").toString())
                .isEqualTo("{\"token_rate_limit\":{\"limit\":300,\"period_seconds\":3600},"
                        + "\"tenant_rate_limit\":{\"limit\":1000,\"period_seconds\":60},\"active_jobs\":7}");
        assertThat(limits()).isEqualTo(changed.path("limits"));

        // RFC 7396: members left out stay, null returns to the default; application/merge-patch+json is accepted.
        http.patch()
                .uri("/api/v1/accounts/" + tenant)
                .header("Authorization", "Bearer " + operator)
                .contentType(MediaType.parseMediaType("application/merge-patch+json"))
                .bodyValue("{\"limits\":{\"tenant_rate_limit\":null,\"token_rate_limit\":{\"period_seconds\":60}}}")
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(limits().toString())
                .isEqualTo("{\"token_rate_limit\":{\"limit\":300,\"period_seconds\":60},"
                        + "\"tenant_rate_limit\":{\"limit\":600000,\"period_seconds\":60},\"active_jobs\":7}");
        // An empty patch changes nothing.
        assertThat(patch("{}", 200).path("data").path("limits")).isEqualTo(limits());
        assertThat(auditValues(tenant, found -> found.stream().anyMatch(v -> v.contains("account.limits-changed"))))
                .anySatisfy(
                        v -> assertThat(v).contains("account.limits-changed").doesNotContain("hp_"));
    }

    @Test
    void theActiveJobLimitIsTheTenantsOwn() {
        patch("{\"limits\":{\"active_jobs\":2}}", 200);
        for (int i = 0; i < 2; i++) {
            json(
                    HttpMethod.POST,
                    "/api/v1/domains/" + zone + "/dns/records",
                    allToken,
                    "{\"name\":\"n" + i + "\",\"type\":\"A\",\"content\":\"192.0.2.1\"}",
                    202);
        }
        JsonNode refused = json(
                HttpMethod.POST,
                "/api/v1/domains/" + zone + "/dns/records",
                allToken,
                "{\"name\":\"n3\",\"type\":\"A\",\"content\":\"192.0.2.1\"}",
                429);
        assertThat(refused.path("errors").get(0).path("code").asString()).isEqualTo("TOO_MANY_ACTIVE_JOBS");
        assertThat(refused.path("message").asString()).contains("has 2 jobs");
    }

    @Test
    void badPatchesChangeNothingAndNameTheField() {
        patch("{\"limits\":{\"active_jobs\":9}}", 200);
        JsonNode before = limits();
        assertThat(fields(patch("{\"limits\":{\"tenant_rate_limit\":{\"period_seconds\":0}}}", 400)))
                .containsExactly("limits.tenant_rate_limit.period_seconds");
        JsonNode negative = patch("{\"limits\":{\"token_rate_limit\":{\"limit\":5,\"period_seconds\":-60}}}", 400);
        assertThat(fields(negative)).containsExactly("limits.token_rate_limit.period_seconds");
        assertThat(negative.path("errors").get(0).path("code").asString()).isEqualTo("TOO_SMALL");
        JsonNode tooHigh = patch("{\"limits\":{\"tenant_rate_limit\":{\"limit\":2000000000}}}", 400);
        assertThat(fields(tooHigh)).containsExactly("limits.tenant_rate_limit.limit");
        assertThat(tooHigh.path("errors").get(0).path("code").asString()).isEqualTo("TOO_LARGE");
        assertThat(fields(patch("{\"limits\":{\"active_jobs\":0,\"storage_gb\":5}}", 400)))
                .containsExactlyInAnyOrder("limits.active_jobs", "limits.storage_gb");
        assertThat(fields(patch("{\"limits\":{\"tenant_rate_limit\":{\"limit\":5,\"burst\":9}}}", 400)))
                .containsExactly("limits.tenant_rate_limit.burst");
        assertThat(fields(patch("{\"limits\":[1]}", 400))).containsExactly("limits");
        assertThat(fields(patch("{\"limits\":{\"active_jobs\":\"many\"}}", 400)))
                .containsExactly("limits.active_jobs");
        assertThat(fields(patch("{\"name\":\"renamed\",\"limits\":{\"active_jobs\":3}}", 400)))
                .containsExactly("name");
        // A valid member beside a bad one is not applied either.
        patch("{\"limits\":{\"active_jobs\":4,\"token_rate_limit\":{\"limit\":0}}}", 400);
        assertThat(limits()).isEqualTo(before);

        JsonNode missing = json(
                HttpMethod.PATCH, "/api/v1/accounts/t_nosuchtenant", operator, "{\"limits\":{\"active_jobs\":3}}", 404);
        assertThat(missing.path("success").asBoolean()).isFalse();
        JsonNode tenantsOwn = json(
                HttpMethod.PATCH,
                "/api/v1/accounts/" + tenant,
                allToken,
                "{\"limits\":{\"active_jobs\":1000000}}",
                403);
        assertThat(tenantsOwn.path("message").asString()).contains("platform.admin");
        assertThat(limits()).isEqualTo(before);
    }
}
