package io.hostplane.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

/** Helpers for the OAuth tests: a user of the test's tenant, an app's calls, and the approval page's forms. */
public abstract class OAuthTestSupport extends ApiIntegrationTest {

    public static final String PASSWORD = "correct horse battery staple";

    public String origin;
    public String username;
    public String userId;

    @BeforeEach
    public void setUpUser() {
        origin = "http://127.0.0.1:" + env.getProperty("local.server.port");
        username = "ada-" + UUID.randomUUID().toString().substring(0, 8) + "@example.test";
        userId = json(
                        HttpMethod.POST,
                        "/api/v1/users",
                        allToken,
                        "{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}",
                        201)
                .path("data")
                .path("id")
                .asString();
    }

    public String lastCookie;

    public WebTestClient from(String address) {
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(
                        HttpClient.create().bindAddress(() -> new InetSocketAddress(address, 0))))
                .baseUrl(origin)
                .build();
    }

    public JsonNode request(WebTestClient app, String scopes) {
        String body = "{\"app_name\":\"Deploy Bot\",\"app_url_homepage\":\"https://bot.example.test\","
                + "\"app_url_return\":\"https://bot.example.test/done\",\"scopes\":" + scopes + "}";
        return exchange(app, HttpMethod.POST, "/api/v1/oauth/requests", null, body, 201)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody()
                .path("data");
    }

    public JsonNode poll(WebTestClient app, String verifyToken, String expectedStatus) {
        JsonNode data = exchange(
                        app,
                        HttpMethod.GET,
                        "/api/v1/oauth/requests/verify?verify_token=" + verifyToken,
                        null,
                        null,
                        200)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody()
                .path("data");
        assertThat(data.path("status").asString()).isEqualTo(expectedStatus);
        return data;
    }

    /**
     * Waits out the app's poll interval since its last poll, as a well-behaved app does: 1 s here, the least there
     * is (RFC 8628's interval is whole seconds), and a poll sooner is answered {@code slow_down}, which the
     * server decides by its own clock. The wait is the protocol's, not a guess at how long something takes.
     */
    public static void waitOutPollInterval() throws InterruptedException {
        Thread.sleep(1_100);
    }

    /** Signs {@link #username} in on the approval page; returns the session cookie's value. */
    public String signIn(WebTestClient browser, String requestId) {
        return signIn(browser, requestId, username);
    }

    public String signIn(WebTestClient browser, String requestId, String who) {
        lastCookie = null;
        form(
                browser,
                "/oauth/authorize/" + requestId + "/sign-in",
                null,
                origin,
                303,
                "username",
                who,
                "password",
                PASSWORD);
        assertThat(lastCookie).isNotBlank();
        return lastCookie;
    }

    public String page(WebTestClient browser, String requestId, String session) {
        return pageStatus(browser, requestId, session, 200);
    }

    public String pageStatus(WebTestClient browser, String requestId, String session, int status) {
        return browser.get()
                .uri("/oauth/authorize/" + requestId)
                .cookie("hp_oauth_session", session)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .valueEquals("X-Frame-Options", "DENY")
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    public static String csrf(String page) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    /** Posts a form as a browser would; remembers a session cookie the answer sets in {@link #lastCookie}. */
    public String form(
            WebTestClient browser, String path, String session, String fromOrigin, int status, String... fields) {
        var data = BodyInserters.fromFormData(fields[0], fields[1]);
        for (int i = 2; i < fields.length; i += 2) {
            data = data.with(fields[i], fields[i + 1]);
        }
        var spec = browser.post()
                .uri(path)
                .header("Origin", fromOrigin)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED);
        if (session != null) {
            spec = spec.cookie("hp_oauth_session", session);
        }
        var result = spec.body(data)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody(String.class)
                .returnResult();
        var cookie = result.getResponseCookies().getFirst("hp_oauth_session");
        if (cookie != null) {
            assertThat(cookie.isHttpOnly()).isTrue();
            assertThat(cookie.getSameSite()).isEqualTo("Strict");
            lastCookie = cookie.getValue();
        }
        String body = result.getResponseBody();
        return body == null ? "" : body;
    }
}
