package io.hostplane.api.callbacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.hostplane.api.ApiIntegrationTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Completion callbacks against a real HTTP receiver on 127.0.0.1 (allowed for these tests by
 * {@code hostplane.callbacks.allowed-hosts}). Jobs reach a terminal state here by being cancelled (no worker
 * runs in the API's tests); the end-to-end suite covers succeeded jobs.
 */
class CallbacksApiTest extends ApiIntegrationTest {

    record Received(String body, String signature, String jobId) {}

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresLeft = new AtomicInteger();
    String hook;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(
                    new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("Hostplane-Signature"),
                    exchange.getRequestHeaders().getFirst("Hostplane-Job-Id")));
            int status = failuresLeft.getAndDecrement() > 0 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void aFinishedJobIsPostedToItsCallbackSignedWithTheTenantsSecret() throws Exception {
        String job = createRecordJob(allToken, hook);
        JsonNode waiting = json(HttpMethod.GET, "/api/v1/jobs/" + job + "/deliveries", allToken, null, 200)
                .path("data");
        assertThat(waiting.path("state").asString()).isEqualTo("waiting");
        assertThat(waiting.path("callback_url").asString()).isEqualTo(hook);

        json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", allToken, null, 200);
        awaitReceived(1);
        Received got = received.get(0);
        assertThat(got.jobId()).isEqualTo(job);
        JsonNode body = JsonMapper.builder().build().readTree(got.body());
        assertThat(body.path("type").asString()).isEqualTo("io.hostplane.job.cancelled.v1");
        assertThat(body.path("job").path("id").asString()).isEqualTo(job);
        assertThat(body.path("job").path("status").asString()).isEqualTo("cancelled");

        // Until its first rotation the tenant signs with its derived secret; GET /me names it, never shows it.
        JsonNode me = json(HttpMethod.GET, "/api/v1/me", allToken, null, 200).path("data");
        assertThat(me.path("callback_secret").path("id").asString()).isEqualTo("derived");
        assertThat(me.toString()).doesNotContain("hpcs_");
        String t = got.signature().replaceAll("^t=(\\d+),.*$", "$1");
        assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t))).isLessThan(60);
        List<String> v1 = signatures(got);
        assertThat(v1).hasSize(1);

        // The rotation shows a new secret once; the next callback is signed by it (and by the derived one, still
        // in its overlap): the derived secret was the one that signed above.
        JsonNode rotated = json(HttpMethod.POST, "/api/v1/callbacks/secret/rotate", allToken, null, 200)
                .path("data");
        String secret = rotated.path("secret").asString();
        assertThat(secret).startsWith("hpcs_");
        assertThat(rotated.path("id").asString()).startsWith("cs_");
        assertThat(json(HttpMethod.GET, "/api/v1/me", allToken, null, 200)
                        .path("data")
                        .path("callback_secret")
                        .path("id")
                        .asString())
                .isEqualTo(rotated.path("id").asString());
        String second = createRecordJob(allToken, hook);
        json(HttpMethod.POST, "/api/v1/jobs/" + second + "/cancel", allToken, null, 200);
        awaitReceived(2);
        Received next = received.get(1);
        String t2 = next.signature().replaceAll("^t=(\\d+),.*$", "$1");
        assertThat(signatures(next)).contains(hmac(secret, t2 + "." + next.body()));

        // Another tenant's secret checks neither.
        String otherSecret = json(
                        HttpMethod.POST,
                        "/api/v1/callbacks/secret/rotate",
                        token(
                                accounts.create("other-"
                                                + java.util
                                                        .UUID
                                                        .randomUUID()
                                                        .toString()
                                                        .substring(0, 8))
                                        .block()
                                        .id(),
                                "jobs.write"),
                        null,
                        200)
                .path("data")
                .path("secret")
                .asString();
        assertThat(v1).doesNotContain(hmac(otherSecret, t + "." + got.body()));
        assertThat(signatures(next)).doesNotContain(hmac(otherSecret, t2 + "." + next.body()));
        // The secret never reaches the audit log: the rotation's fact names its id.
        assertThat(auditValues(rotated.path("id").asString(), 1).get(0))
                .contains("io.hostplane.callback.secret.rotated.v1")
                .doesNotContain(secret);

        JsonNode delivered = awaitState(job, "delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
        assertThat(delivered.path("items").get(0).path("status_code").asInt()).isEqualTo(204);
    }

    @Test
    void aFailingReceiverIsRetriedWithGrowingWaitsUntilItAnswers() throws Exception {
        failuresLeft.set(2);
        String job = createRecordJob(allToken, hook);
        json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", allToken, null, 200);
        JsonNode delivered = awaitState(job, "delivered");
        assertThat(received).hasSize(3).allSatisfy(r -> assertThat(r.jobId()).isEqualTo(job));
        JsonNode items = delivered.path("items");
        assertThat(items.size()).isEqualTo(3);
        assertThat(List.of(
                        items.get(0).path("status_code").asInt(),
                        items.get(1).path("status_code").asInt(),
                        items.get(2).path("status_code").asInt()))
                .containsExactly(500, 500, 204);
        assertThat(items.get(0).path("error").asString()).isEqualTo("HTTP 500");
        Instant first = Instant.parse(items.get(0).path("at").asString());
        Instant second = Instant.parse(items.get(1).path("at").asString());
        Instant third = Instant.parse(items.get(2).path("at").asString());
        // first-retry 200 ms, doubled, ±20 % jitter: at least 160 ms, then at least 320 ms.
        assertThat(Duration.between(first, second)).isGreaterThanOrEqualTo(Duration.ofMillis(160));
        assertThat(Duration.between(second, third)).isGreaterThanOrEqualTo(Duration.ofMillis(320));
    }

    @Test
    void aReceiverThatNeverAnswersWellEndsFailedAfterTheLastAttempt() throws Exception {
        failuresLeft.set(100);
        String job = createRecordJob(allToken, hook);
        json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", allToken, null, 200);
        JsonNode failed = awaitState(job, "failed");
        assertThat(failed.path("attempts").asInt()).isEqualTo(3);
        assertThat(received).hasSize(3);
    }

    @Test
    void aTokensDefaultCallbackIsUsedByItsJobs() throws Exception {
        JsonNode withDefault = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"dns.write\",\"jobs.write\",\"jobs.read\"],\"callback_url\":\"" + hook + "\"}",
                        201)
                .path("data");
        assertThat(withDefault.path("callback_url").asString()).isEqualTo(hook);
        String token = withDefault.path("token").asString();
        String job = createRecordJob(token, null);
        json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", token, null, 200);
        awaitReceived(1);
        assertThat(received.get(0).jobId()).isEqualTo(job);
    }

    @Test
    void callbackUrlsThatAreNotHttpOrPointInsideAreRefusedAndNothingIsCreated() throws Exception {
        int before = count("select count(*) from api.jobs where tenant_id = '" + tenant + "'");
        for (String bad : List.of(
                "ftp://example.com/hook",
                "not a url",
                "http://user:secret@example.com/hook",
                "http://10.1.2.3/hook",
                "http://192.168.0.10/hook",
                "http://169.254.169.254/latest/meta-data",
                "http://[::1]:8080/hook",
                "http://localhost.invalid/hook")) {
            JsonNode refused = http.post()
                    .uri("/api/v1/domains/" + zone + "/dns/records")
                    .header("Authorization", "Bearer " + allToken)
                    .header("Hostplane-Callback-Url", bad)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"name\":\"www\",\"type\":\"A\",\"content\":\"192.0.2.1\"}")
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody(JsonNode.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(refused.path("errors").get(0).path("field").asString())
                    .as(bad)
                    .isEqualTo("Hostplane-Callback-Url");
        }
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(before);
        JsonNode tokenRefused = json(
                HttpMethod.POST,
                "/api/v1/tokens",
                allToken,
                "{\"scopes\":[\"jobs.read\"],\"callback_url\":\"http://172.16.0.1/hook\"}",
                400);
        assertThat(tokenRefused.path("errors").get(0).path("field").asString()).isEqualTo("callback_url");
    }

    private String createRecordJob(String token, String callback) {
        var spec = http.post()
                .uri("/api/v1/domains/" + zone + "/dns/records")
                .header("Authorization", "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON);
        if (callback != null) {
            spec = spec.header("Hostplane-Callback-Url", callback);
        }
        return spec.bodyValue("{\"name\":\"www\",\"type\":\"A\",\"content\":\"192.0.2.1\"}")
                .exchange()
                .expectStatus()
                .isAccepted()
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody()
                .path("data")
                .path("id")
                .asString();
    }

    private void awaitReceived(int n) {
        await(n + " callbacks received")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> received.size() >= n);
    }

    private JsonNode awaitState(String job, String state) {
        return await("delivery of job " + job + " " + state)
                .atMost(Duration.ofSeconds(15))
                .until(
                        () -> json(HttpMethod.GET, "/api/v1/jobs/" + job + "/deliveries", allToken, null, 200)
                                .path("data"),
                        data -> data.path("state").asString().equals(state));
    }

    /** The {@code v1} values of a delivery's signature header, one per secret in force. */
    private static List<String> signatures(Received r) {
        return java.util.Arrays.stream(r.signature().split(","))
                .filter(part -> part.startsWith("v1="))
                .map(part -> part.substring(3))
                .toList();
    }

    @Test
    void aRotatedSecretSignsBesideTheNewOneThroughTheOverlapThenStops() throws Exception {
        String first = json(HttpMethod.POST, "/api/v1/callbacks/secret/rotate", allToken, null, 200)
                .path("data")
                .path("secret")
                .asString();
        JsonNode second = json(HttpMethod.POST, "/api/v1/callbacks/secret/rotate", allToken, null, 200)
                .path("data");
        String now = second.path("secret").asString();
        assertThat(now).isNotEqualTo(first);
        Instant until = Instant.parse(second.path("previous_valid_until").asString());
        String job = createRecordJob(allToken, hook);
        json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", allToken, null, 200);
        awaitReceived(1);
        Received during = received.get(0);
        String t = during.signature().replaceAll("^t=(\\d+),.*$", "$1");
        // Signed within the overlap (hostplane.callbacks.secret-overlap, 10 s in these tests): both verify, the new
        // one first.
        assertThat(Instant.ofEpochSecond(Long.parseLong(t))).isBefore(until);
        assertThat(signatures(during))
                .startsWith(hmac(now, t + "." + during.body()))
                .contains(hmac(first, t + "." + during.body()));

        // After it, only the new one: callbacks until one comes with a single signature (bounded in time).
        await("a callback signed by the new secret only")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    String another = createRecordJob(allToken, hook);
                    json(HttpMethod.POST, "/api/v1/jobs/" + another + "/cancel", allToken, null, 200);
                    awaitReceived(received.size() + 1);
                    return signatures(received.get(received.size() - 1)).size() == 1;
                });
        Received after = received.get(received.size() - 1);
        String t2 = after.signature().replaceAll("^t=(\\d+),.*$", "$1");
        assertThat(signatures(after)).containsExactly(hmac(now, t2 + "." + after.body()));
        assertThat(Instant.now()).isAfter(until);
    }

    private static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
