package io.hostplane.api.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.testing.OAuthTestSupport;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, item 1: a token never hands on more than it has. Its rate limit, expiry, networks and domains cap
 * those of every token it creates, rotates or lets a user approve for an app (403 naming the field, nothing
 * created), and its tenant's {@code token_rate_limit} caps the rate limits its tokens grant.
 */
class TokenCeilingsApiTest extends OAuthTestSupport {

    private JsonNode create(String caller, String body, int status) {
        return json(HttpMethod.POST, "/api/v1/tokens", caller, body, status);
    }

    private String plain(JsonNode created) {
        return created.path("data").path("token").asString();
    }

    private int tokensOfTenant() throws Exception {
        return count("select count(*) from api.tokens where tenant_id = '" + tenant + "'");
    }

    private static List<String> fields(JsonNode refused) {
        List<String> fields = new ArrayList<>();
        refused.path("errors").forEach(e -> fields.add(e.path("field").asString()));
        return fields;
    }

    @Test
    void aTokensRateLimitCapsTheTokensItCreates() throws Exception {
        String parent = plain(create(
                allToken,
                "{\"scopes\":[\"tokens.write\",\"profile.read\"],\"rate_limit\":{\"limit\":10,\"period_seconds\":60}}",
                201));
        int before = tokensOfTenant();
        JsonNode more = create(
                parent, "{\"scopes\":[\"profile.read\"],\"rate_limit\":{\"limit\":11,\"period_seconds\":60}}", 403);
        assertThat(more.path("status").asInt()).isEqualTo(403);
        assertThat(fields(more)).containsExactly("rate_limit");
        assertThat(more.path("message").asString()).contains("rate_limit");
        // Fewer per second on average, but 100 at once where the parent may make 10: refused too.
        assertThat(fields(create(
                        parent,
                        "{\"scopes\":[\"profile.read\"],\"rate_limit\":{\"limit\":100,\"period_seconds\":3600}}",
                        403)))
                .containsExactly("rate_limit");
        // Shorter windows at the same pace or slower are within it.
        assertThat(fields(create(
                        parent,
                        "{\"scopes\":[\"profile.read\"],\"rate_limit\":{\"limit\":6,\"period_seconds\":30}}",
                        403)))
                .containsExactly("rate_limit");
        assertThat(tokensOfTenant()).isEqualTo(before);
        create(parent, "{\"scopes\":[\"profile.read\"],\"rate_limit\":{\"limit\":5,\"period_seconds\":30}}", 201);
        // Without a rate_limit of its own a child gets the parent's, not the (higher) default.
        JsonNode inherited =
                create(parent, "{\"scopes\":[\"profile.read\"]}", 201).path("data");
        assertThat(inherited.path("rate_limit").path("limit").asInt()).isEqualTo(10);
        assertThat(inherited.path("rate_limit").path("period_seconds").asInt()).isEqualTo(60);
        exchange(HttpMethod.GET, "/api/v1/system/hello", inherited.path("token").asString(), null, 200)
                .expectHeader()
                .valueEquals("RateLimit-Limit", "10");
    }

    @Test
    void expiryNetworksAndDomainsCapTheTokensItCreates() throws Exception {
        Instant parentExpiry = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String parent = plain(create(
                allToken,
                "{\"scopes\":[\"tokens.write\",\"profile.read\"],\"expires_at\":\"" + parentExpiry
                        + "\",\"allowed_cidrs\":[\"127.0.0.0/8\",\"10.1.0.0/16\"],\"allowed_domains\":[\"" + zone
                        + "\"]}",
                201));
        int before = tokensOfTenant();
        Instant later = parentExpiry.plus(1, ChronoUnit.DAYS);
        assertThat(fields(create(parent, "{\"scopes\":[\"profile.read\"],\"expires_at\":\"" + later + "\"}", 403)))
                .containsExactly("expires_at");
        assertThat(fields(create(
                        parent,
                        "{\"scopes\":[\"profile.read\"],\"allowed_cidrs\":[\"10.1.2.0/24\",\"10.0.0.0/8\",\"192.0.2.1\"]}",
                        403)))
                .containsExactly("allowed_cidrs[1]", "allowed_cidrs[2]");
        assertThat(fields(create(parent, "{\"scopes\":[\"profile.read\"],\"allowed_cidrs\":[]}", 403)))
                .containsExactly("allowed_cidrs");
        assertThat(fields(create(
                        parent, "{\"scopes\":[\"profile.read\"],\"allowed_domains\":[\"other-" + zone + "\"]}", 403)))
                .containsExactly("allowed_domains[0]");
        assertThat(fields(create(parent, "{\"scopes\":[\"profile.read\"],\"allowed_domains\":[]}", 403)))
                .containsExactly("allowed_domains");
        // All four at once: each is named.
        assertThat(fields(create(
                        parent,
                        "{\"scopes\":[\"profile.read\"],\"expires_at\":\"" + later
                                + "\",\"allowed_cidrs\":[],\"allowed_domains\":[],"
                                + "\"rate_limit\":{\"limit\":1000,\"period_seconds\":1}}",
                        403)))
                .containsExactlyInAnyOrder("rate_limit", "expires_at", "allowed_cidrs", "allowed_domains");
        assertThat(tokensOfTenant()).isEqualTo(before);

        JsonNode narrower = create(
                        parent,
                        "{\"scopes\":[\"profile.read\"],\"allowed_cidrs\":[\"127.0.0.1/32\"],\"expires_at\":\""
                                + parentExpiry.minus(1, ChronoUnit.HOURS) + "\"}",
                        201)
                .path("data");
        assertThat(narrower.path("allowed_cidrs").toString()).isEqualTo("[\"127.0.0.1/32\"]");
        assertThat(narrower.path("allowed_domains").toString()).isEqualTo("[\"" + zone + "\"]");
        JsonNode inherited =
                create(parent, "{\"scopes\":[\"profile.read\"]}", 201).path("data");
        assertThat(Instant.parse(inherited.path("expires_at").asString())).isEqualTo(parentExpiry);
        assertThat(inherited.path("allowed_cidrs").toString()).isEqualTo("[\"127.0.0.0/8\",\"10.1.0.0/16\"]");
        assertThat(inherited.path("allowed_domains").toString()).isEqualTo("[\"" + zone + "\"]");
    }

    @Test
    void theTenantsTokenRateLimitCapsItsTokensButNotTheOperator() {
        String operator = token(null, "platform.admin");
        json(
                HttpMethod.PATCH,
                "/api/v1/accounts/" + tenant,
                operator,
                "{\"limits\":{\"token_rate_limit\":{\"limit\":5,\"period_seconds\":60}}}",
                200);
        JsonNode refused = create(
                allToken, "{\"scopes\":[\"profile.read\"],\"rate_limit\":{\"limit\":6,\"period_seconds\":60}}", 403);
        assertThat(fields(refused)).containsExactly("rate_limit");
        assertThat(refused.path("errors").get(0).path("message").asString()).contains("this account's tokens");
        JsonNode held = create(allToken, "{\"scopes\":[\"profile.read\"]}", 201).path("data");
        assertThat(held.path("rate_limit").path("limit").asInt()).isEqualTo(5);
        // The operator sells limits: it may mint a tenant token above the tenant's ceiling (bench/jobs.sh does).
        JsonNode minted = create(
                        operator,
                        "{\"tenant\":\"" + tenant
                                + "\",\"scopes\":[\"*\"],\"rate_limit\":{\"limit\":1000000,\"period_seconds\":1}}",
                        201)
                .path("data");
        assertThat(minted.path("rate_limit").path("limit").asInt()).isEqualTo(1_000_000);
    }

    @Test
    void rotationCannotHandOutMoreThanTheCallerHas() throws Exception {
        String narrow = plain(create(
                allToken,
                "{\"scopes\":[\"tokens.read\",\"tokens.write\"],\"rate_limit\":{\"limit\":10,\"period_seconds\":60}}",
                201));
        String wideId = create(
                        allToken,
                        "{\"scopes\":[\"*\"],\"expires_at\":\"" + Instant.now().plus(10, ChronoUnit.DAYS) + "\"}",
                        201)
                .path("data")
                .path("id")
                .asString();
        int before = tokensOfTenant();
        JsonNode refused = json(HttpMethod.POST, "/api/v1/tokens/" + wideId + "/rotate", narrow, "{}", 403);
        assertThat(fields(refused)).containsExactlyInAnyOrder("scopes", "rate_limit");
        assertThat(tokensOfTenant()).isEqualTo(before);
        assertThat(json(HttpMethod.GET, "/api/v1/tokens/" + wideId, allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("active");
        // A token may always rotate itself, and a caller holding as much may rotate another.
        String narrowId = json(HttpMethod.GET, "/api/v1/me", narrow, null, 200)
                .path("data")
                .path("token_id")
                .asString();
        json(HttpMethod.POST, "/api/v1/tokens/" + narrowId + "/rotate", narrow, "{\"grace_seconds\":60}", 201);
        json(HttpMethod.POST, "/api/v1/tokens/" + wideId + "/rotate", allToken, "{}", 201);
    }

    @Test
    void anAppApprovedByAUserGetsNoMoreThanTheTokenThatCreatedTheUser() throws Exception {
        Instant parentExpiry = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String parent = plain(create(
                allToken,
                "{\"scopes\":[\"tokens.write\",\"dns.read\"],\"expires_at\":\"" + parentExpiry
                        + "\",\"allowed_cidrs\":[\"127.0.0.0/8\"],\"allowed_domains\":[\"" + zone
                        + "\"],\"rate_limit\":{\"limit\":7,\"period_seconds\":60}}",
                201));
        String restricted = "limited-" + username;
        json(
                HttpMethod.POST,
                "/api/v1/users",
                parent,
                "{\"username\":\"" + restricted + "\",\"password\":\"" + PASSWORD + "\"}",
                201);
        WebTestClient app = from("127.0.0.21");
        JsonNode created = request(app, "[\"dns.read\"]");
        String requestId = created.path("id").asString();
        String verifyToken = created.path("verify_token").asString();
        WebTestClient browser = from("127.0.0.22");
        String session = signIn(browser, requestId, restricted);
        String page = page(browser, requestId, session);
        form(
                browser,
                "/oauth/authorize/" + requestId + "/decision",
                session,
                origin,
                200,
                "decision",
                "approve",
                "csrf",
                csrf(page));
        JsonNode approved = poll(app, verifyToken, "approved");
        String token = approved.path("token").asString();
        assertThat(token).startsWith("hp_");
        assertThat(Instant.parse(approved.path("token_expire").asString())).isEqualTo(parentExpiry);
        String id = json(HttpMethod.GET, "/api/v1/me", token, null, 200)
                .path("data")
                .path("token_id")
                .asString();
        JsonNode issued = json(HttpMethod.GET, "/api/v1/tokens/" + id, allToken, null, 200)
                .path("data");
        assertThat(issued.path("allowed_cidrs").toString()).isEqualTo("[\"127.0.0.0/8\"]");
        assertThat(issued.path("allowed_domains").toString()).isEqualTo("[\"" + zone + "\"]");
        assertThat(issued.path("rate_limit").path("limit").asInt()).isEqualTo(7);
        // A refresh keeps the cap on its expiry.
        JsonNode refreshed = json(HttpMethod.POST, "/api/v1/oauth/tokens/refresh", token, null, 200)
                .path("data");
        assertThat(Instant.parse(refreshed.path("token_expire").asString())).isEqualTo(parentExpiry);
    }
}
