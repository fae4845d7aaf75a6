package io.hostplane.audit.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP streams into a local receiver in the Splunk HEC shape: one that fails now and then and answers slowly
 * (sometimes beyond the request timeout) still gets every event at least once; one that always fails makes the
 * stream pause itself after {@code pause-after}, as its status says; and a collector that never answers stalls
 * neither ingest nor another stream.
 */
class AuditStreamHttpTest extends AuditStreamTestSupport {

    private static final String TOKEN = "hec-token-" + UUID.randomUUID();
    private static final Pattern LINE = Pattern.compile("^\\{\"event\":(\\{.*\\}),\"time\":(\\d+\\.\\d{3}),"
            + "\"sourcetype\":\"hostplane:audit\",\"source\":\"hostplane\",\"fields\":\\{\"event_id\":\"([^\"]+)\","
            + "\"event_type\":\"[^\"]+\",\"tenant\":\"([^\"]+)\",\"topic\":\"([^\"]+)\",\"partition\":(\\d+),"
            + "\"offset\":(\\d+)\\}\\}$");

    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<String> refused = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private ServerSocket blackHole;
    private final List<Socket> held = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newFixedThreadPool(4));
        // Fails one request in four, answers one in five slowly but in time and one in seven after the sender's
        // timeout (which then sends the same batch again: duplicates).
        server.createContext("/flaky", exchange -> {
            int n = requests.incrementAndGet();
            if (!authorized(exchange)) {
                return;
            }
            if (n % 4 == 1) {
                answer(exchange, 500);
                return;
            }
            if (n % 7 == 3) {
                sleep(1500);
            } else if (n % 5 == 2) {
                sleep(300);
            }
            receive(exchange);
            answer(exchange, 200);
        });
        server.createContext("/down", exchange -> answer(exchange, 503));
        server.start();
        // Accepts connections and never answers.
        blackHole = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!blackHole.isClosed()) {
                try {
                    held.add(blackHole.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stopReceiver() throws IOException {
        server.stop(0);
        blackHole.close();
        for (Socket s : held) {
            s.close();
        }
    }

    @Test
    void aFlakySlowReceiverGetsEveryEventAtLeastOnceAndOnlyTheStreamsTenant() throws Exception {
        String tenant = tenant();
        String other = tenant();
        UUID stream = define(
                tenant,
                "http",
                url("/flaky?channel=secret-channel-value"),
                null,
                null,
                "splunk",
                TOKEN,
                null,
                List.of());
        // Two replicas: one of them holds the stream.
        StreamRunner one = runner(properties(Duration.ofSeconds(30), Duration.ofMillis(500)));
        StreamRunner two = runner(properties(Duration.ofSeconds(30), Duration.ofMillis(500)));
        await("a replica holds the stream")
                .atMost(Duration.ofSeconds(10))
                .until(() -> one.running().contains(stream) || two.running().contains(stream));
        List<String> expected = send(tenant, 150);
        List<String> notCarried = send(other, 20);

        await("every event reaches the receiver")
                .atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ids().containsAll(expected));
        assertThat(refused).isEmpty();
        assertThat(ids()).doesNotContainAnyElementsOf(notCarried);
        for (String line : received) {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            assertThat(m.group(1)).contains("\"id\": \"" + m.group(3) + "\"");
            assertThat(m.group(4)).isEqualTo(tenant);
        }
        await("the status records the deliveries")
                .atMost(Duration.ofSeconds(10))
                .until(() -> (Long) status(stream).get("delivered") >= expected.size()
                        && status(stream).get("failing_since") == null);
        Map<String, Object> status = status(stream);
        String error = (String) status.get("last_error");
        assertThat(error).as("failures happened and were recorded").isNotNull();
        assertThat(error).contains("127.0.0.1").doesNotContain("secret-channel", "flaky", TOKEN);
        assertThat(status.get("last_delivery_at")).isNotNull();
        assertThat(status.get("self_paused_at")).isNull();
        assertThat((Long) status.get("lag")).isZero();
        assertThat(one.running().contains(stream)).isNotEqualTo(two.running().contains(stream));
    }

    @Test
    void httpsTrustsTheStreamsCaOnlyAndCredentialsNeedTheSealingKey() throws Exception {
        StreamCertificates certificates = new StreamCertificates();
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        https.setHttpsConfigurator(new HttpsConfigurator(certificates.serverContext()));
        List<String> lines = new CopyOnWriteArrayList<>();
        https.createContext("/hec", exchange -> {
            byte[] gzipped = exchange.getRequestBody().readAllBytes();
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
                lines.addAll(new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .lines()
                        .toList());
            }
            answer(exchange, 200);
        });
        https.start();
        try {
            String tenant = tenant();
            String url = "https://127.0.0.1:" + https.getAddress().getPort() + "/hec";
            UUID trusted = define(tenant, "http", url, null, null, "bearer", TOKEN, certificates.caPem(), List.of());
            UUID untrusted = define(tenant, "http", url, null, null, "bearer", TOKEN, null, List.of());
            runner(properties(Duration.ofHours(1), Duration.ofMillis(500)));
            List<String> expected = send(tenant, 10);

            await("the stream with the CA delivers")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> lines.stream()
                                    .filter(l -> expected.stream().anyMatch(l::contains))
                                    .count()
                            >= expected.size());
            await("the one without it does not trust the test certificate")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> status(untrusted) != null && status(untrusted).get("last_error") != null);
            assertThat((String) status(untrusted).get("last_error")).startsWith("TLS with 127.0.0.1");
            assertThat(status(trusted).get("last_error")).isNull();
        } finally {
            https.stop(0);
        }

        // A runner without the sealing key cannot open the token: it says so and does not deliver.
        stopRunners();
        UUID sealed = define(tenant(), "http", url("/flaky"), null, null, "bearer", TOKEN, null, List.of());
        StreamProperties withKey = properties(Duration.ofHours(1), Duration.ofMillis(500));
        runner(with(withKey, null, withKey.allowedHosts()));
        await("the missing key is reported")
                .atMost(Duration.ofSeconds(10))
                .until(() -> status(sealed) != null && status(sealed).get("last_error") != null);
        assertThat((String) status(sealed).get("last_error")).contains("no sealing key");
        assertThat(status(sealed).get("self_paused_at")).isNull();

        // A runner whose allow-list does not name loopback refuses to connect there, whatever the API once checked.
        stopRunners();
        String inwardTenant = tenant();
        UUID inward = define(inwardTenant, "http", url("/flaky"), null, null, "bearer", TOKEN, null, List.of());
        runner(with(withKey, withKey.encryptionKey(), List.of()));
        send(inwardTenant, 2);
        await("the internal address is refused")
                .atMost(Duration.ofSeconds(10))
                .until(() -> status(inward) != null && status(inward).get("last_error") != null);
        assertThat((String) status(inward).get("last_error")).contains("internal address", "127.0.0.1");
        assertThat((Long) status(inward).get("delivered")).isZero();
    }

    @Test
    void aReceiverThatAlwaysFailsPausesTheStreamAndResumeClearsIt() throws Exception {
        String tenant = tenant();
        UUID stream = define(tenant, "http", url("/down"), null, null, "bearer", TOKEN, null, List.of());
        StreamRunner runner = runner(properties(Duration.ofSeconds(2), Duration.ofMillis(500)));
        send(tenant, 5);

        await("the stream pauses itself")
                .atMost(Duration.ofSeconds(30))
                .until(() -> status(stream) != null && status(stream).get("self_paused_at") != null);
        Map<String, Object> status = status(stream);
        assertThat((String) status.get("self_paused_reason")).contains("HTTP 503 from 127.0.0.1", "failing since");
        assertThat(status.get("failing_since")).isNotNull();
        // Counted over the chains the stream knew when it last failed: at most the five sent.
        assertThat((Long) status.get("lag")).isBetween(1L, 5L);
        assertThat(status.get("leased_by")).isNull();
        await("its loop ends")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !runner.running().contains(stream));

        // A resume through the API (resumed_at later than the self-pause) starts it again.
        try (var c = owner();
                var s = c.createStatement()) {
            s.executeUpdate("update api.audit_streams set resumed_at = now(), version = version + 1 where id = '"
                    + stream + "'");
        }
        await("it runs again")
                .atMost(Duration.ofSeconds(10))
                .until(() -> runner.running().contains(stream));
    }

    @Test
    void aCollectorThatNeverAnswersStallsNeitherIngestNorAnotherStream() throws Exception {
        String tenant = tenant();
        UUID hanging = define(
                null,
                "http",
                "http://127.0.0.1:" + blackHole.getLocalPort() + "/hang",
                null,
                null,
                null,
                null,
                null,
                List.of());
        UUID healthy = define(tenant, "http", url("/flaky"), null, null, "splunk", TOKEN, null, List.of());
        runner(properties(Duration.ofHours(1), Duration.ofMillis(500)));
        List<String> expected = send(tenant, 100);

        assertThat(awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 100))
                .isEqualTo(100);
        await("the healthy stream delivers everything")
                .atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> ids().containsAll(expected));
        await("the hanging one says why")
                .atMost(Duration.ofSeconds(10))
                .until(() -> status(hanging) != null && status(hanging).get("last_error") != null);
        assertThat((String) status(hanging).get("last_error")).contains("no answer from 127.0.0.1");
        assertThat(status(healthy).get("failing_since")).isNull();
    }

    private String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    private List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (String line : received) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                ids.add(m.group(3));
            }
        }
        return ids;
    }

    private boolean authorized(HttpExchange exchange) throws IOException {
        if (!("Splunk " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            refused.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            answer(exchange, 401);
            return false;
        }
        return true;
    }

    private void receive(HttpExchange exchange) throws IOException {
        assertThat(exchange.getRequestHeaders().getFirst("Content-Encoding")).isEqualTo("gzip");
        byte[] gzipped = exchange.getRequestBody().readAllBytes();
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzipped))) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            received.addAll(body.lines().toList());
        }
    }

    private static void answer(HttpExchange exchange, int status) throws IOException {
        exchange.getRequestBody().readAllBytes(); // what is left of it
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The receiver's own slowness (what the test is about), not a wait for the code under test. */
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
