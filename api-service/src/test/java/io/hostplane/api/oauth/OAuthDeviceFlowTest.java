package io.hostplane.api.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.testing.OAuthTestSupport;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import tools.jackson.databind.JsonNode;

/**
 * The OAuth device flow through its HTTP surface: the app's calls (request, poll, refresh, revoke) and the
 * approval page's form posts, without a browser ({@code OAuthBrowserTest} drives the page in Chromium).
 * Public calls come from a client address of each test's own, so that per-address limits do not mix.
 */
class OAuthDeviceFlowTest extends OAuthTestSupport {

    @Test
    void theAppGetsItsTokenOnceAfterTheUserApproves() throws Exception {
        WebTestClient app = from("127.0.0.11");
        JsonNode created = request(app, "[\"dns.read\",\"dns.write\"]");
        String requestId = created.path("id").asString();
        String verifyToken = created.path("verify_token").asString();
        assertThat(verifyToken).startsWith("hpv_");
        assertThat(created.path("redirect_url").asString()).isEqualTo(origin + "/oauth/authorize/" + requestId);
        assertThat(created.path("verify_url").asString())
                .isEqualTo(origin + "/api/v1/oauth/requests/verify?verify_token=" + verifyToken);
        assertThat(created.path("verify_interval_seconds").asInt()).isEqualTo(1);
        assertThat(created.path("expires_at").asString()).isNotBlank();

        JsonNode first = poll(app, verifyToken, "pending");
        assertThat(first.path("token").isMissingNode() || first.path("token").isNull())
                .isTrue();

        WebTestClient browser = from("127.0.0.12");
        String refused = form(
                browser,
                "/oauth/authorize/" + requestId + "/sign-in",
                null,
                origin,
                401,
                "username",
                username,
                "password",
                "wrong password here");
        assertThat(refused).contains("Wrong user name or password.");
        String session = signIn(browser, requestId);
        String page = page(browser, requestId, session);
        assertThat(page).contains("Deploy Bot").contains("dns.write").contains(username);
        String csrf = csrf(page);

        // Forged decisions: no CSRF token, another site's Origin.
        form(
                browser,
                "/oauth/authorize/" + requestId + "/decision",
                session,
                origin,
                403,
                "decision",
                "approve",
                "csrf",
                "forged");
        form(
                browser,
                "/oauth/authorize/" + requestId + "/decision",
                session,
                "https://evil.example",
                403,
                "decision",
                "approve",
                "csrf",
                csrf);
        waitOutPollInterval();
        poll(app, verifyToken, "pending");

        String granted = form(
                browser,
                "/oauth/authorize/" + requestId + "/decision",
                session,
                origin,
                200,
                "decision",
                "approve",
                "csrf",
                csrf);
        assertThat(granted).contains("Access granted");

        waitOutPollInterval();
        JsonNode approved = poll(app, verifyToken, "approved");
        String token = approved.path("token").asString();
        assertThat(token).startsWith("hp_");
        assertThat(approved.path("token_expire").asString()).isNotBlank();
        assertThat(approved.path("cname").asString())
                .isEqualTo(accounts.findById(tenant).block().name());

        JsonNode me = json(HttpMethod.GET, "/api/v1/me", token, null, 200).path("data");
        assertThat(me.path("tenant").asString()).isEqualTo(tenant);
        exchange(HttpMethod.GET, "/api/v1/domains/" + zone + "/dns/records", token, null, 200);
        exchange(HttpMethod.GET, "/api/v1/tokens", token, null, 403);

        waitOutPollInterval();
        JsonNode again = poll(app, verifyToken, "approved");
        assertThat(again.path("token").isMissingNode() || again.path("token").isNull())
                .isTrue();

        JsonNode refreshed = json(HttpMethod.POST, "/api/v1/oauth/tokens/refresh", token, null, 200)
                .path("data");
        String successor = refreshed.path("token").asString();
        assertThat(successor).startsWith("hp_").isNotEqualTo(token);
        assertThat(refreshed.path("token_expire").asString()).isNotBlank();
        assertThat(message(HttpMethod.GET, "/api/v1/me", token, null, 401)).contains("revoked");
        json(HttpMethod.GET, "/api/v1/me", successor, null, 200);

        json(HttpMethod.DELETE, "/api/v1/oauth/tokens", successor, null, 200);
        assertThat(message(HttpMethod.GET, "/api/v1/me", successor, null, 401)).contains("revoked");

        // Approval, issue, refresh and revoke are audit facts; none carries a token or a password.
        // Request records name the request id too (in their paths), so wait for the four facts themselves.
        List<String> kinds =
                List.of("oauth.request.approved", "oauth.token.issued", "oauth.token.refreshed", "oauth.token.revoked");
        List<String> facts = auditValues(
                requestId, found -> kinds.stream().allMatch(k -> found.stream().anyMatch(f -> f.contains(k))));
        assertThat(facts)
                .anyMatch(f -> f.contains("oauth.request.approved"))
                .anyMatch(f -> f.contains("oauth.token.issued"))
                .anyMatch(f -> f.contains("oauth.token.refreshed"))
                .anyMatch(f -> f.contains("oauth.token.revoked"));
        assertThat(String.join("\n", facts))
                .doesNotContain(token)
                .doesNotContain(successor)
                .doesNotContain(verifyToken)
                .doesNotContain(PASSWORD)
                .doesNotContain(session);
    }

    @Test
    void pollingSoonerThanTheIntervalAnswersSlowDownAndRaisesIt() {
        WebTestClient app = from("127.0.0.13");
        String verifyToken = request(app, "[\"dns.read\"]").path("verify_token").asString();
        poll(app, verifyToken, "pending");
        JsonNode slow = poll(app, verifyToken, "slow_down");
        assertThat(slow.path("verify_interval_seconds").asInt()).isEqualTo(6);
        JsonNode slower = poll(app, verifyToken, "slow_down");
        assertThat(slower.path("verify_interval_seconds").asInt()).isEqualTo(11);
        exchange(app, HttpMethod.GET, "/api/v1/oauth/requests/verify?verify_token=" + verifyToken, null, null, 200)
                .expectHeader()
                .valueEquals("Retry-After", "16");
    }

    @Test
    void deniedAndExpiredRequestsIssueNothing() throws Exception {
        WebTestClient app = from("127.0.0.14");
        WebTestClient browser = from("127.0.0.15");
        JsonNode denied = request(app, "[\"dns.read\"]");
        String deniedId = denied.path("id").asString();
        String session = signIn(browser, deniedId);
        String csrf = csrf(page(browser, deniedId, session));
        assertThat(form(
                        browser,
                        "/oauth/authorize/" + deniedId + "/decision",
                        session,
                        origin,
                        200,
                        "decision",
                        "deny",
                        "csrf",
                        csrf))
                .contains("Access denied");
        poll(app, denied.path("verify_token").asString(), "denied");
        assertThat(pageStatus(browser, deniedId, session, 409)).contains("already denied");

        JsonNode expired = request(app, "[\"dns.read\"]");
        String expiredId = expired.path("id").asString();
        sql("update api.oauth_requests set expires_at = now() - interval '1 second' where id = ?", expiredId);
        poll(app, expired.path("verify_token").asString(), "expired");
        assertThat(pageStatus(browser, expiredId, session, 410)).contains("expired");
        assertThat(count("select count(*) from api.tokens where oauth_request_id in ('" + deniedId + "', '" + expiredId
                        + "')"))
                .isZero();
    }

    @Test
    void aUserCannotGrantScopesItDoesNotHold() {
        String reader = "reader-" + UUID.randomUUID().toString().substring(0, 8);
        json(
                HttpMethod.POST,
                "/api/v1/users",
                allToken,
                "{\"username\":\"" + reader + "\",\"password\":\"" + PASSWORD + "\",\"scopes\":[\"dns.read\"]}",
                201);
        WebTestClient app = from("127.0.0.16");
        WebTestClient browser = from("127.0.0.17");
        JsonNode created = request(app, "[\"dns.read\",\"dns.write\"]");
        String requestId = created.path("id").asString();
        String session = signIn(browser, requestId, reader);
        String csrf = csrf(page(browser, requestId, session));
        assertThat(form(
                        browser,
                        "/oauth/authorize/" + requestId + "/decision",
                        session,
                        origin,
                        403,
                        "decision",
                        "approve",
                        "csrf",
                        csrf))
                .contains("You cannot grant dns.write");
        poll(app, created.path("verify_token").asString(), "pending");
    }

    @Test
    void signInAttemptsAreLimitedPerAddress() {
        WebTestClient app = from("127.0.0.18");
        WebTestClient guesser = from("127.0.0.19");
        String requestId = request(app, "[\"dns.read\"]").path("id").asString();
        for (int i = 0; i < 10; i++) {
            form(
                    guesser,
                    "/oauth/authorize/" + requestId + "/sign-in",
                    null,
                    origin,
                    401,
                    "username",
                    username,
                    "password",
                    "guess number " + i);
        }
        guesser.post()
                .uri("/oauth/authorize/" + requestId + "/sign-in")
                .header("Origin", origin)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("username", username).with("password", PASSWORD))
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .exists("Retry-After");
        // Another address still signs in.
        assertThat(signIn(from("127.0.0.20"), requestId)).isNotBlank();
    }

    @Test
    void badRequestsAreRefusedWithReasons() {
        WebTestClient app = from("127.0.0.21");
        JsonNode refused = exchange(
                        app,
                        HttpMethod.POST,
                        "/api/v1/oauth/requests",
                        null,
                        "{\"app_url_homepage\":\"javascript:alert(1)\",\"scopes\":[\"dns.read\",\"nope\",\"platform.admin\"]}",
                        400)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(refused.path("errors").toString())
                .contains("app_name")
                .contains("app_url_homepage")
                .contains("scopes[1]")
                .contains("platform.admin");
        exchange(app, HttpMethod.GET, "/api/v1/oauth/requests/verify", null, null, 400);
        exchange(app, HttpMethod.GET, "/api/v1/oauth/requests/verify?verify_token=hpv_unknown", null, null, 404);
        exchange(app, HttpMethod.GET, "/oauth/authorize/oar_nosuchrequest", null, null, 404);
        // An ordinary API token is managed under /tokens, not here.
        assertThat(message(HttpMethod.POST, "/api/v1/oauth/tokens/refresh", allToken, null, 403))
                .contains("/tokens");
        exchange(HttpMethod.DELETE, "/api/v1/oauth/tokens", allToken, null, 403);
        exchange(HttpMethod.POST, "/api/v1/oauth/tokens/refresh", null, null, 401);
    }

    @Test
    void usersKeepOnlyAPasswordHashAndTakeTheirTokensWithThemWhenDeleted() throws Exception {
        String stored = "select password_hash from api.users where username = '" + username + "'";
        try (var c = connection();
                var s = c.createStatement();
                var rs = s.executeQuery(stored)) {
            rs.next();
            assertThat(rs.getString(1)).startsWith("{bcrypt}$2").doesNotContain(PASSWORD);
        }
        JsonNode listed = json(HttpMethod.GET, "/api/v1/users", allToken, null, 200);
        assertThat(listed.toString()).contains(username).doesNotContain("password");
        exchange(
                HttpMethod.POST,
                "/api/v1/users",
                allToken,
                "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}",
                409);
        JsonNode weak = json(
                HttpMethod.POST,
                "/api/v1/users",
                allToken,
                "{\"username\":\"x\",\"password\":\"short\",\"scopes\":[\"bogus\"]}",
                400);
        assertThat(weak.path("errors").toString())
                .contains("username")
                .contains("password")
                .contains("scopes[0]");
        String narrow = token(tenant, "tokens.write", "dns.read");
        exchange(
                HttpMethod.POST,
                "/api/v1/users",
                narrow,
                "{\"username\":\"wide-" + UUID.randomUUID().toString().substring(0, 6) + "\",\"password\":\"" + PASSWORD
                        + "\",\"scopes\":[\"*\"]}",
                403);
        exchange(HttpMethod.GET, "/api/v1/users", token(tenant, "tokens.read"), null, 403);

        // A token the user approved stops working when the user is deleted.
        WebTestClient app = from("127.0.0.22");
        WebTestClient browser = from("127.0.0.23");
        JsonNode created = request(app, "[\"dns.read\"]");
        String requestId = created.path("id").asString();
        String session = signIn(browser, requestId);
        form(
                browser,
                "/oauth/authorize/" + requestId + "/decision",
                session,
                origin,
                200,
                "decision",
                "approve",
                "csrf",
                csrf(page(browser, requestId, session)));
        String token = poll(app, created.path("verify_token").asString(), "approved")
                .path("token")
                .asString();
        json(HttpMethod.GET, "/api/v1/me", token, null, 200);
        json(HttpMethod.DELETE, "/api/v1/users/" + userId, allToken, null, 200);
        assertThat(message(HttpMethod.GET, "/api/v1/me", token, null, 401)).contains("revoked");
        // The deleted user can no longer sign in.
        form(
                browser,
                "/oauth/authorize/" + request(app, "[\"dns.read\"]").path("id").asString() + "/sign-in",
                null,
                origin,
                401,
                "username",
                username,
                "password",
                PASSWORD);
    }

    @Test
    void hostileTextIsStoredAsTextAndShownEscaped() {
        WebTestClient app = from("127.0.0.24");
        String hostile = "<script>alert(1)</script>' OR '1'='1; drop table api.users; --";
        JsonNode created = exchange(
                        app,
                        HttpMethod.POST,
                        "/api/v1/oauth/requests",
                        null,
                        "{\"app_name\":\"" + hostile + "\",\"scopes\":[\"dns.read\"]}",
                        201)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody()
                .path("data");
        assertThat(created.path("app_name").asString()).isEqualTo(hostile);
        String page = app.get()
                .uri("/oauth/authorize/" + created.path("id").asString())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(page).doesNotContain("<script>").contains("&lt;script&gt;alert(1)&lt;/script&gt;&#39; OR");
        JsonNode refused = json(
                HttpMethod.POST,
                "/api/v1/users",
                allToken,
                "{\"username\":\"x' OR '1'='1\",\"password\":\"" + PASSWORD + "\"}",
                400);
        assertThat(refused.path("errors").get(0).path("field").asString()).isEqualTo("username");
        // Sign-in with an injection string as the user name is just a wrong user name.
        form(
                from("127.0.0.25"),
                "/oauth/authorize/" + created.path("id").asString() + "/sign-in",
                null,
                origin,
                401,
                "username",
                "' OR '1'='1",
                "password",
                "' OR '1'='1");
    }
}
