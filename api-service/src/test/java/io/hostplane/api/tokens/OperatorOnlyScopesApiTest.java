package io.hostplane.api.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, item 5: {@code platform.read} and {@code platform.admin} are the operator's alone: never part of a
 * tenant token's {@code *}, and no token, user or app of a tenant can be given them, even by the operator.
 */
class OperatorOnlyScopesApiTest extends ApiIntegrationTest {

    private static List<String> scopes(JsonNode me) {
        List<String> scopes = new ArrayList<>();
        me.path("data").path("scopes").forEach(s -> scopes.add(s.asString()));
        return scopes;
    }

    @Test
    void aTenantsWildcardHoldsEveryTenantScopeButNoOperatorScope() {
        List<String> held = scopes(json(HttpMethod.GET, "/api/v1/me", allToken, null, 200));
        assertThat(held)
                .contains("dns.write", "audit.read", "tokens.write")
                .doesNotContain("platform.read", "platform.admin");
        // A row naming platform.read on a tenant's token (written before this rule) grants nothing either.
        String old = token(tenant, "profile.read", "platform.read");
        assertThat(scopes(json(HttpMethod.GET, "/api/v1/me", old, null, 200))).containsExactly("profile.read");
        // The operator's token holds them.
        assertThat(scopes(json(HttpMethod.GET, "/api/v1/me", token(null, "platform.admin"), null, 200)))
                .contains("platform.read", "platform.admin");
        assertThat(json(HttpMethod.GET, "/api/v1/oauth/scopes", null, null, 200).toString())
                .doesNotContain("platform.read")
                .doesNotContain("platform.admin");
    }

    @Test
    void noTenantTokenUserOrAppCanBeGivenAnOperatorScope() {
        String operator = token(null, "platform.admin");
        JsonNode minted = json(
                HttpMethod.POST,
                "/api/v1/tokens",
                operator,
                "{\"tenant\":\"" + tenant + "\",\"scopes\":[\"dns.read\",\"platform.read\"]}",
                400);
        assertThat(minted.path("errors").get(0).path("field").asString()).isEqualTo("scopes[1]");
        assertThat(minted.path("errors").get(0).path("message").asString()).contains("operator-only");
        json(HttpMethod.POST, "/api/v1/tokens", allToken, "{\"scopes\":[\"platform.read\"]}", 400);
        JsonNode user = json(
                HttpMethod.POST,
                "/api/v1/users",
                operator,
                "{\"tenant\":\"" + tenant
                        + "\",\"username\":\"op-scope-user\",\"password\":\"correct horse battery\",\"scopes\":[\"platform.read\"]}",
                400);
        assertThat(user.path("errors").get(0).path("field").asString()).isEqualTo("scopes[0]");
        JsonNode app = json(
                HttpMethod.POST,
                "/api/v1/oauth/requests",
                null,
                "{\"app_name\":\"Peek\",\"scopes\":[\"platform.read\"]}",
                400);
        assertThat(app.path("errors").get(0).path("field").asString()).isEqualTo("scopes[0]");
        // The operator may still make an operator token with platform.read.
        json(HttpMethod.POST, "/api/v1/tokens", operator, "{\"scopes\":[\"platform.read\"]}", 201);
    }
}
