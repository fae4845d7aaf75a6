package io.hostplane.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hostplane.api.ApiApplication;
import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.SslTestCertificates;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 23: webhook subscriptions against a real HTTP receiver (the JDK's server on a loopback port, allowed by
 * {@code hostplane.callbacks.allowed-hosts} in these tests): signed deliveries, a 500 retried, attempts visible,
 * redelivery, disabling after failing ({@code hostplane.webhooks.disable-after} is 3 s here), the secret rotation's
 * overlap, and the daily expiry notices made once per certificate and day with two API replicas.
 */
@ExtendWith(OutputCaptureExtension.class)
class WebhooksApiTest extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    KafkaTemplate<String, String> kafka;

    static ConfigurableApplicationContext replicaB;

    HttpServer receiver;
    String base;
    /** What each path of the receiver got, in order. */
    final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    /** The statuses each path answers next; 204 when none is queued. */
    final Map<String, ConcurrentLinkedDeque<Integer>> script = new ConcurrentHashMap<>();

    record Received(Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", this::answer);
        receiver.createContext("/slow", this::slow);
        receiver.createContext("/endless", this::endless);
        receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        receiver.start();
        base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws java.io.IOException {
        String path = exchange.getRequestURI().getPath();
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(new Received(headers, body));
        Integer status =
                script.getOrDefault(path, new ConcurrentLinkedDeque<>()).poll();
        int code = status == null ? 204 : status;
        byte[] answer = code >= 300 ? ("boom \u0001" + "x".repeat(3000)).getBytes(StandardCharsets.UTF_8) : new byte[0];
        exchange.sendResponseHeaders(code, answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            exchange.getResponseBody().write(answer);
        }
        exchange.close();
    }

    /** Holds the request for 6 s (under the 10 s timeout) before answering 204. */
    private void slow(HttpExchange exchange) throws java.io.IOException {
        record(exchange);
        try {
            Thread.sleep(6000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    /** Answers 500 with a body that does not end (bounded here: at most 20 s), of bytes that are not text. */
    private void endless(HttpExchange exchange) throws java.io.IOException {
        record(exchange);
        exchange.sendResponseHeaders(500, 0);
        byte[] garbage = new byte[4096];
        new java.util.Random(1).nextBytes(garbage);
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (var out = exchange.getResponseBody()) {
            while (System.nanoTime() < until) {
                out.write(garbage);
                out.flush();
            }
        } catch (java.io.IOException e) {
            // The client stopped reading: what it should do.
        }
        exchange.close();
    }

    private void record(HttpExchange exchange) throws java.io.IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
        received.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new CopyOnWriteArrayList<>())
                .add(new Received(
                        headers, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @AfterAll
    static void stopReplicaB() {
        if (replicaB != null) {
            replicaB.close();
            replicaB = null;
        }
    }

    @Test
    void subscriptionsAreCheckedSavedAndShownWithoutTheirSecret(CapturedOutput output) {
        String secretPath = "/hooks/" + UUID.randomUUID();
        JsonNode created = create(base + secretPath, "[\"job.failed\", \"job.succeeded:backup.create\"]", 201);
        String id = created.path("id").asString();
        String secret = created.path("secret").asString();
        assertThat(secret).startsWith("hpws_");
        assertThat(created.path("secret_id").asString()).startsWith("whs_");
        assertThat(created.path("status").asString()).isEqualTo("enabled");
        assertThat(created.path("events").toString()).contains("job.failed", "job.succeeded:backup.create");

        JsonNode shown = json(HttpMethod.GET, "/api/v1/webhooks/" + id, allToken, null, 200)
                .path("data");
        assertThat(shown.path("url").asString()).isEqualTo(base + secretPath);
        assertThat(shown.path("secret_id").asString())
                .isEqualTo(created.path("secret_id").asString());
        assertThat(shown.has("secret")).isFalse();
        assertThat(shown.toString()).doesNotContain(secret);
        JsonNode listed =
                json(HttpMethod.GET, "/api/v1/webhooks", allToken, null, 200).path("data");
        assertThat(listed.path("items").get(0).path("id").asString()).isEqualTo(id);
        assertThat(listed.toString()).doesNotContain("hpws_");

        // A merge patch changes what it names; the rest stays.
        JsonNode patched = json(
                        HttpMethod.PATCH,
                        "/api/v1/webhooks/" + id,
                        allToken,
                        "{\"description\":\"billing\",\"events\":[\"*\"]}",
                        200)
                .path("data");
        assertThat(patched.path("description").asString()).isEqualTo("billing");
        assertThat(patched.path("events").toString()).isEqualTo("[\"*\"]");
        assertThat(patched.path("url").asString()).isEqualTo(base + secretPath);

        // Bad input: 400 in the envelope naming the field, nothing saved or changed.
        assertRefused("{\"url\":\"https://10.1.2.3/hook\",\"events\":[\"*\"]}", "url", "INVALID");
        assertRefused("{\"url\":\"https://169.254.169.254/latest\",\"events\":[\"*\"]}", "url", "INVALID");
        assertRefused("{\"url\":\"http://8.8.8.8/hook\",\"events\":[\"*\"]}", "url", "INVALID");
        assertRefused("{\"url\":\"ftp://127.0.0.1/hook\",\"events\":[\"*\"]}", "url", "INVALID");
        assertRefused("{\"url\":\"" + base + "/x\",\"events\":[\"job.exploded\"]}", "events[0]", "INVALID");
        assertRefused("{\"url\":\"" + base + "/x\",\"events\":[\"job.failed:nope\"]}", "events[0]", "INVALID");
        assertRefused("{\"url\":\"" + base + "/x\",\"events\":[\"token.revoked:dns.batch\"]}", "events[0]", "INVALID");
        assertRefused("{\"url\":\"" + base + "/x\",\"events\":[]}", "events", "REQUIRED");
        assertRefused("{\"url\":\"" + base + "/x\",\"events\":[\"*\"],\"secret\":\"mine\"}", "secret", "UNSUPPORTED");
        assertRefused("[1]", null, "INVALID");
        JsonNode refusedPatch =
                json(HttpMethod.PATCH, "/api/v1/webhooks/" + id, allToken, "{\"url\":\"https://10.0.0.1/\"}", 400);
        assertThat(refusedPatch.path("errors").get(0).path("field").asString()).isEqualTo("url");
        assertThat(json(HttpMethod.GET, "/api/v1/webhooks/" + id, allToken, null, 200)
                        .path("data")
                        .path("url")
                        .asString())
                .isEqualTo(base + secretPath);
        assertThat(json(HttpMethod.GET, "/api/v1/webhooks", allToken, null, 200)
                        .path("data")
                        .path("items")
                        .size())
                .isEqualTo(1);

        // The cap (5 in these tests) is a 409 and saves nothing.
        for (int i = 0; i < 4; i++) {
            create(base + "/more/" + i, "[\"job.failed\"]", 201);
        }
        JsonNode capped =
                json(HttpMethod.POST, "/api/v1/webhooks", allToken, body(base + "/sixth", "[\"job.failed\"]"), 409);
        assertThat(capped.path("errors").get(0).path("code").asString()).isEqualTo("WEBHOOK_LIMIT");
        assertThat(json(HttpMethod.GET, "/api/v1/webhooks", allToken, null, 200)
                        .path("data")
                        .path("items")
                        .size())
                .isEqualTo(5);

        // Another tenant's token finds nothing; a token limited to some domains may read, not change; scopes hold.
        String other = token(
                accounts.create("other-" + UUID.randomUUID().toString().substring(0, 8))
                        .block()
                        .id(),
                "*");
        json(HttpMethod.GET, "/api/v1/webhooks/" + id, other, null, 404);
        json(HttpMethod.DELETE, "/api/v1/webhooks/" + id, other, null, 404);
        String limited = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"webhooks.read\",\"webhooks.write\"],\"allowed_domains\":[\"" + zone + "\"]}",
                        201)
                .path("data")
                .path("token")
                .asString();
        json(HttpMethod.GET, "/api/v1/webhooks/" + id, limited, null, 200);
        JsonNode restricted = json(HttpMethod.POST, "/api/v1/webhooks/" + id + "/test", limited, null, 403);
        assertThat(restricted.path("errors").get(0).path("code").asString()).isEqualTo("DOMAIN_RESTRICTED");
        json(HttpMethod.GET, "/api/v1/webhooks", token(tenant, "webhooks.write"), null, 403);
        json(HttpMethod.POST, "/api/v1/webhooks", token(tenant, "webhooks.read"), body(base + "/r", "[\"*\"]"), 403);

        // Deleted: gone, with an audit fact per change that names the id and never the URL or the secret.
        json(HttpMethod.DELETE, "/api/v1/webhooks/" + id, allToken, null, 200);
        json(HttpMethod.GET, "/api/v1/webhooks/" + id, allToken, null, 404);
        List<String> facts = auditValues(id, 3);
        assertThat(String.join("\n", facts))
                .contains(EventTypes.WEBHOOK_CHANGED, "\"created\"", "\"updated\"", "\"deleted\"")
                .doesNotContain(secretPath)
                .doesNotContain(secret);
        // The fact of a change names the event types it left.
        assertThat(facts.stream()
                        .filter(f -> f.contains("\"updated\""))
                        .findFirst()
                        .orElseThrow())
                .contains("[\"*\"]");
        assertThat(output.getAll()).doesNotContain(secretPath).doesNotContain(secret);
    }

    @Test
    void aJobEventIsDeliveredSignedRetriedAfterA500VisibleAttemptByAttemptAndRedelivered() throws Exception {
        script.put("/a", new ConcurrentLinkedDeque<>(List.of(500)));
        JsonNode a = create(base + "/a", "[\"job.cancelled\"]", 201);
        JsonNode b = create(base + "/b", "[\"job.cancelled:backup.create\"]", 201);
        JsonNode c = create(base + "/c", "[\"job.cancelled:dns.record.create\", \"job.failed\"]", 201);

        String job = createRecordJob();
        json(HttpMethod.POST, "/api/v1/jobs/" + job + "/cancel", allToken, null, 200);
        awaitReceived("/a", 2);
        awaitReceived("/c", 1);

        Received first = received.get("/a").get(0);
        Received retried = received.get("/a").get(1);
        String eventId = retried.header("Hostplane-Event-Id");
        assertThat(first.header("Hostplane-Event-Id")).isEqualTo(eventId);
        assertThat(retried.header("Hostplane-Event-Type")).isEqualTo("job.cancelled");
        assertThat(received.get("/c").get(0).header("Hostplane-Event-Id")).isEqualTo(eventId);
        JsonNode payload = JSON.readTree(retried.body());
        assertThat(payload.path("id").asString()).isEqualTo(eventId);
        assertThat(payload.path("type").asString()).isEqualTo("job.cancelled");
        assertThat(payload.path("tenant").asString()).isEqualTo(tenant);
        assertThat(payload.path("data").path("job").path("id").asString()).isEqualTo(job);
        assertThat(payload.path("data").path("job").path("status").asString()).isEqualTo("cancelled");
        assertThat(retried.body()).doesNotContain("hpws_").doesNotContain(base);

        // Signed with this subscription's secret, as callbacks are: t=…,v1=HMAC(secret, "t.body").
        String secret = a.path("secret").asString();
        String t = timestamp(retried);
        assertThat(Math.abs(Instant.now().getEpochSecond() - Long.parseLong(t))).isLessThan(60);
        assertThat(signatures(retried)).containsExactly(hmac(secret, t + "." + retried.body()));
        assertThat(signatures(retried)).doesNotContain(hmac(c.path("secret").asString(), t + "." + retried.body()));

        // Both attempts are visible: the 500 with a bounded excerpt of what the receiver said, then the 204.
        JsonNode delivery = awaitDelivery(a.path("id").asString(), "delivered");
        assertThat(delivery.path("event_id").asString()).isEqualTo(eventId);
        assertThat(delivery.path("attempts").asInt()).isEqualTo(2);
        JsonNode history = delivery.path("attempt_history");
        assertThat(history.get(0).path("status_code").asInt()).isEqualTo(500);
        assertThat(history.get(0).path("error").asString()).isEqualTo("HTTP 500");
        String excerpt = history.get(0).path("response_excerpt").asString();
        assertThat(excerpt).startsWith("boom ").doesNotContain("\u0001");
        assertThat(excerpt.length()).isLessThanOrEqualTo(DeliveryDispatcher.EXCERPT_BYTES);
        assertThat(history.get(1).path("status_code").asInt()).isEqualTo(204);
        assertThat(history.get(1).path("duration_ms").asInt()).isGreaterThanOrEqualTo(0);

        // The job-type filter: the backup-only subscription got no delivery (events are made with the ending).
        assertThat(deliveries(b.path("id").asString(), null).size()).isZero();

        // Redelivery of that (old, delivered) delivery: a new delivery of the same event.
        JsonNode again = json(
                        HttpMethod.POST,
                        "/api/v1/webhooks/" + a.path("id").asString() + "/deliveries/"
                                + delivery.path("id").asString() + "/redeliver",
                        allToken,
                        null,
                        202)
                .path("data");
        assertThat(again.path("redelivery_of").asString())
                .isEqualTo(delivery.path("id").asString());
        assertThat(again.path("event_id").asString()).isEqualTo(eventId);
        awaitReceived("/a", 3);
        Received redelivered = received.get("/a").get(2);
        assertThat(redelivered.header("Hostplane-Event-Id")).isEqualTo(eventId);
        assertThat(redelivered.header("Hostplane-Delivery-Id"))
                .isEqualTo(again.path("id").asString());
        assertThat(JSON.readTree(redelivered.body())
                        .path("data")
                        .path("job")
                        .path("id")
                        .asString())
                .isEqualTo(job);
        json(
                HttpMethod.POST,
                "/api/v1/webhooks/" + a.path("id").asString() + "/deliveries/" + UUID.randomUUID() + "/redeliver",
                allToken,
                null,
                404);
        // Another subscription's delivery is not this one's to redeliver.
        json(
                HttpMethod.POST,
                "/api/v1/webhooks/" + b.path("id").asString() + "/deliveries/"
                        + delivery.path("id").asString() + "/redeliver",
                allToken,
                null,
                404);
        assertThat(deliveries(a.path("id").asString(), "delivered").size()).isEqualTo(2);
    }

    @Test
    void anEndpointFailingForTheDisableTimeIsDisabledWithAnAuditFactAndResumesWhenEnabled() {
        script.put("/down", new ConcurrentLinkedDeque<>(java.util.Collections.nCopies(200, 503)));
        JsonNode hook = create(base + "/down", "[\"*\"]", 201);
        String id = hook.path("id").asString();
        json(HttpMethod.POST, "/api/v1/webhooks/" + id + "/test", allToken, null, 202);

        JsonNode disabled = await("the failing subscription disabled")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> json(HttpMethod.GET, "/api/v1/webhooks/" + id, allToken, null, 200)
                                .path("data"),
                        d -> d.path("status").asString().equals("disabled"));
        assertThat(disabled.path("disabled_reason").asString()).contains("3 seconds", "HTTP 503");
        assertThat(received.get("/down").size()).isGreaterThanOrEqualTo(2);
        String fact = auditValues(id, found -> found.stream().anyMatch(v -> v.contains("\"disabled\""))).stream()
                .filter(v -> v.contains("\"disabled\""))
                .findFirst()
                .orElseThrow();
        assertThat(fact).contains(EventTypes.WEBHOOK_CHANGED, "HTTP 503").doesNotContain(base);

        // While disabled nothing is sent, and a redelivery asks for it to be enabled first.
        int sent = received.get("/down").size();
        JsonNode pending = deliveries(id, "pending").get(0);
        JsonNode refused = json(
                HttpMethod.POST,
                "/api/v1/webhooks/" + id + "/deliveries/" + pending.path("id").asString() + "/redeliver",
                allToken,
                null,
                409);
        assertThat(refused.path("errors").get(0).path("code").asString()).isEqualTo("WEBHOOK_DISABLED");

        // Enabled again (and the endpoint fixed): the pending delivery goes through.
        script.get("/down").clear();
        JsonNode enabled = json(HttpMethod.PATCH, "/api/v1/webhooks/" + id, allToken, "{\"status\":\"enabled\"}", 200)
                .path("data");
        assertThat(enabled.path("status").asString()).isEqualTo("enabled");
        assertThat(enabled.path("disabled_reason").isNull()).isTrue();
        JsonNode delivered = awaitDelivery(id, "delivered");
        assertThat(delivered.path("event_type").asString()).isEqualTo("webhook.test");
        assertThat(received.get("/down").size()).isGreaterThan(sent);
    }

    @Test
    void slowAndEndlessReceiversHoldOnlyTheirOwnSlots() {
        String slow = create(base + "/slow", "[\"*\"]", 201).path("id").asString();
        String endless = create(base + "/endless", "[\"*\"]", 201).path("id").asString();
        String fast = create(base + "/fast", "[\"*\"]", 201).path("id").asString();
        // More test events for the slow receiver than a subscription has slots (4), and one for the endless one.
        for (int i = 0; i < 6; i++) {
            json(HttpMethod.POST, "/api/v1/webhooks/" + slow + "/test", allToken, null, 202);
        }
        json(HttpMethod.POST, "/api/v1/webhooks/" + endless + "/test", allToken, null, 202);
        awaitReceived("/slow", 4);
        awaitReceived("/endless", 1);

        // While those are held, another subscription's delivery goes through at once.
        long started = System.nanoTime();
        json(HttpMethod.POST, "/api/v1/webhooks/" + fast + "/test", allToken, null, 202);
        awaitReceived("/fast", 1);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
        // The slow subscription had at most its 4 slots: the fifth and sixth wait for them.
        assertThat(received.get("/slow")).hasSize(4);
        assertThat(deliveries(slow, "delivered").size()).isZero();

        // The endless answer was cut after its first bytes: one failed attempt recorded long before the timeout.
        JsonNode attempt = await("the endless answer's attempt recorded")
                .atMost(Duration.ofSeconds(8))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> deliveries(endless, null).get(0).path("attempt_history"), h -> h.size() > 0)
                .get(0);
        assertThat(attempt.path("status_code").asInt()).isEqualTo(500);
        assertThat(attempt.path("duration_ms").asInt()).isLessThan(5000);
        assertThat(attempt.path("response_excerpt").asString().getBytes(StandardCharsets.UTF_8).length)
                .isLessThanOrEqualTo(3 * DeliveryDispatcher.EXCERPT_BYTES);
        assertThat(attempt.path("response_excerpt").asString().codePoints())
                .noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t');

        // In the end the slow receiver gets every event.
        // Polled once a second: the test's token has a rate limit of its own (120 a minute).
        await("every slow delivery delivered")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> deliveries(slow, "delivered").size() == 6);
    }

    @Test
    void aRotatedSecretSignsBesideTheNewOneThroughTheOverlapThenOnlyTheNew() throws Exception {
        JsonNode hook = create(base + "/rot", "[\"token.revoked\"]", 201);
        String id = hook.path("id").asString();
        String old = hook.path("secret").asString();
        JsonNode rotated = json(HttpMethod.POST, "/api/v1/webhooks/" + id + "/rotate-secret", allToken, null, 200)
                .path("data");
        String now = rotated.path("secret").asString();
        assertThat(now).startsWith("hpws_").isNotEqualTo(old);
        Instant until = Instant.parse(rotated.path("previous_valid_until").asString());
        assertThat(json(HttpMethod.GET, "/api/v1/webhooks/" + id, allToken, null, 200)
                        .path("data")
                        .path("secret_id")
                        .asString())
                .isEqualTo(rotated.path("secret_id").asString());

        // A token.revoked event (a token made and revoked through the API) inside the overlap: both verify.
        JsonNode made = json(HttpMethod.POST, "/api/v1/tokens", allToken, "{\"scopes\":[\"dns.read\"]}", 201)
                .path("data");
        String tokenId = made.path("id").asString();
        json(HttpMethod.DELETE, "/api/v1/tokens/" + tokenId, allToken, null, 200);
        awaitReceived("/rot", 1);
        Received during = received.get("/rot").get(0);
        String t = timestamp(during);
        assertThat(Instant.ofEpochSecond(Long.parseLong(t))).isBefore(until);
        assertThat(signatures(during))
                .containsExactly(hmac(now, t + "." + during.body()), hmac(old, t + "." + during.body()));
        JsonNode payload = JSON.readTree(during.body());
        assertThat(payload.path("type").asString()).isEqualTo("token.revoked");
        assertThat(payload.path("data").path("token").path("id").asString()).isEqualTo(tokenId);
        assertThat(during.body()).doesNotContain(made.path("token").asString());

        // After the overlap (10 s in these tests) only the new secret signs.
        await("the overlap over")
                .atMost(Duration.ofSeconds(20))
                .until(() -> Instant.now().isAfter(until));
        json(HttpMethod.POST, "/api/v1/webhooks/" + id + "/test", allToken, null, 202);
        awaitReceived("/rot", 2);
        Received after = received.get("/rot").get(1);
        String t2 = timestamp(after);
        assertThat(after.header("Hostplane-Event-Type")).isEqualTo("webhook.test");
        assertThat(signatures(after)).containsExactly(hmac(now, t2 + "." + after.body()));
    }

    @Test
    void expiryNoticesAreMadeOncePerCertificateAndDayAcrossTwoReplicas() throws Exception {
        JsonNode hook = create(base + "/expiry", "[\"ssl.expiring\", \"token.expiring\"]", 201);
        // A certificate expiring in 9 days and 23 hours (within hostplane.ssl.expires-soon, 30 days), installed through
        // the API.
        SslTestCertificates.Issued cert = SslTestCertificates.selfSigned(
                SslTestCertificates.rsa(2048),
                zone,
                List.of(zone),
                Instant.now().minusSeconds(60),
                // An hour short of 10 days, so that 9 whole days are left whenever the test reads it.
                Instant.now().plus(Duration.ofDays(10)).minus(Duration.ofHours(1)));
        Map<String, Object> upload = new LinkedHashMap<>();
        upload.put("certificate", cert.certificatePem());
        upload.put("private_key", cert.pkcs8KeyPem());
        String job = json(
                        HttpMethod.PUT,
                        "/api/v1/domains/" + zone + "/ssl",
                        allToken,
                        JSON.writeValueAsString(upload),
                        202)
                .path("data")
                .path("id")
                .asString();
        String certificateId = json(HttpMethod.GET, "/api/v1/domains/" + zone + "/ssl", allToken, null, 200)
                .path("data")
                .path("id")
                .asString();
        succeed(job, certificateId);
        JsonNode installed = await("certificate installed")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> json(HttpMethod.GET, "/api/v1/domains/" + zone + "/ssl", allToken, null, 200)
                                .path("data"),
                        d -> d.path("status").asString().equals("installed"));
        assertThat(installed.path("expiry").asString()).isEqualTo("expiring");
        assertThat(installed.path("days_left").asInt()).isEqualTo(9);
        // A token of the tenant expiring in 2 days (within hostplane.webhooks.token-expiring-within, 7 days).
        String expiringToken = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"dns.read\"],\"expires_at\":\""
                                + Instant.now().plus(Duration.ofDays(2)) + "\"}",
                        201)
                .path("data")
                .path("id")
                .asString();

        // A second replica; today's run forgotten, so that both replicas compete for it now.
        replicaB = ApiApplication.builder()
                .run(
                        "--" + PEPPER,
                        "--server.port=0",
                        "--spring.kafka.listener.auto-startup=false",
                        "--hostplane.callbacks.allowed-hosts=127.0.0.1/32",
                        "--hostplane.webhooks.notice-check-interval=200ms",
                        "--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrapServers(),
                        "--spring.r2dbc.url=" + infra.r2dbcUrl(),
                        "--spring.r2dbc.username=" + infra.user(),
                        "--spring.r2dbc.password=" + infra.password());
        try {
            twoRoundsOfNotices(hook.path("id").asString(), certificateId, expiringToken);
        } finally {
            replicaB.close();
            replicaB = null;
        }
        JsonNode notice = JSON.readTree(received.get("/expiry").stream()
                .filter(r -> r.header("Hostplane-Event-Type").equals("ssl.expiring"))
                .findFirst()
                .orElseThrow()
                .body());
        assertThat(notice.path("data").path("certificate").path("domain").asString())
                .isEqualTo(zone);
        assertThat(notice.path("data").path("certificate").path("days_left").asInt())
                .isEqualTo(9);
        assertThat(notice.toString()).doesNotContain("PRIVATE KEY");
    }

    private void twoRoundsOfNotices(String hookId, String certificateId, String expiringToken) throws Exception {
        for (int round = 1; round <= 2; round++) {
            // Round 2 is the same day run again (as when a lease ran out mid-run): still one notice each.
            sql("delete from api.daily_runs where task = ?", ExpiryNotices.TASK);
            await("today's expiry notices done")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> count("select count(*) from api.daily_runs where task = '" + ExpiryNotices.TASK
                                    + "' and done_at is not null")
                            == 1);
            awaitReceived("/expiry", 2);
            List<JsonNode> notices = new ArrayList<>();
            for (Received r : received.get("/expiry")) {
                notices.add(JSON.readTree(r.body()));
            }
            assertThat(notices.stream()
                            .filter(n -> n.path("type").asString().equals("ssl.expiring"))
                            .map(n -> n.path("data")
                                    .path("certificate")
                                    .path("id")
                                    .asString())
                            .toList())
                    .containsExactly(certificateId);
            assertThat(notices.stream()
                            .filter(n -> n.path("type").asString().equals("token.expiring"))
                            .map(n -> n.path("data").path("token").path("id").asString())
                            .toList())
                    .containsExactly(expiringToken);
            assertThat(count("select count(*) from api.webhook_deliveries where webhook_id = '" + hookId + "'"))
                    .isEqualTo(2);
        }
    }

    // Helpers

    private JsonNode create(String url, String events, int status) {
        return json(HttpMethod.POST, "/api/v1/webhooks", allToken, body(url, events), status)
                .path("data");
    }

    private static String body(String url, String events) {
        return "{\"url\":\"" + url + "\",\"events\":" + events + "}";
    }

    private void assertRefused(String body, String field, String code) {
        JsonNode refused = json(HttpMethod.POST, "/api/v1/webhooks", allToken, body, 400);
        assertThat(refused.path("success").asBoolean()).isFalse();
        JsonNode error = refused.path("errors").get(0);
        if (field == null) {
            assertThat(error.path("field").isNull() || error.path("field").isMissingNode())
                    .isTrue();
        } else {
            assertThat(error.path("field").asString()).isEqualTo(field);
        }
        assertThat(error.path("code").asString()).isEqualTo(code);
    }

    private String createRecordJob() {
        return json(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        "{\"name\":\"www\",\"type\":\"A\",\"content\":\"192.0.2.1\"}",
                        202)
                .path("data")
                .path("id")
                .asString();
    }

    /** Simulates the worker: the install succeeded. */
    private void succeed(String jobId, String certificateId) throws Exception {
        var event = codec.event(
                "/test-worker",
                EventTypes.job(JobStatus.SUCCEEDED),
                "domains/" + zone + "/ssl",
                tenant,
                null,
                jobId,
                null,
                new JobStateChanged(
                        jobId,
                        "ssl.install",
                        JobStatus.SUCCEEDED,
                        1,
                        List.of(),
                        null,
                        codec.tree(Map.of("certificate_id", certificateId, "domain", zone, "backend", "local")),
                        0L));
        kafka.send(Topics.JOB_EVENTS, jobId, codec.write(event)).get();
    }

    private void awaitReceived(String path, int n) {
        await(n + " deliveries at " + path)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> received.getOrDefault(path, List.of()).size() >= n);
    }

    private JsonNode deliveries(String webhook, String state) {
        return json(
                        HttpMethod.GET,
                        "/api/v1/webhooks/" + webhook + "/deliveries" + (state == null ? "" : "?state=" + state),
                        allToken,
                        null,
                        200)
                .path("data")
                .path("items");
    }

    private JsonNode awaitDelivery(String webhook, String state) {
        return await("a delivery " + state)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> deliveries(webhook, state), items -> items.size() > 0)
                .get(0);
    }

    private static String timestamp(Received r) {
        return r.header("Hostplane-Signature").replaceAll("^t=(\\d+),.*$", "$1");
    }

    private static List<String> signatures(Received r) {
        return Arrays.stream(r.header("Hostplane-Signature").split(","))
                .filter(part -> part.startsWith("v1="))
                .map(part -> part.substring(3))
                .toList();
    }

    private static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
