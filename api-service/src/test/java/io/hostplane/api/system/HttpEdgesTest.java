package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The edges of HTTP (docs/http.md), over raw sockets since no HTTP client sends these requests: every answer made
 * before routing is in the envelope with an {@code X-Request-Id}, and a connection is closed when a request head
 * takes longer than its deadline or the connection idles too long between requests, but never while a request is
 * answered. The deadlines are shortened here: 1 s for a head, 3 s idle.
 */
@TestPropertySource(properties = {"hostplane.http.request-head-timeout=1s", "hostplane.http.idle-timeout=3s"})
class HttpEdgesTest extends ApiIntegrationTest {

    private static final Duration HEAD_DEADLINE = Duration.ofSeconds(1);
    private static final Duration IDLE_DEADLINE = Duration.ofSeconds(3);
    /** How long a test waits for anything the server should do at once or at a deadline: far beyond both. */
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static final String ULID = "[0-9A-HJKMNP-TV-Z]{26}";
    private static final String HOST = "Host: 127.0.0.1\r\n";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ExecutorService readers = Executors.newCachedThreadPool();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void closeSockets() throws IOException {
        readers.shutdownNow();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    // --- answers made before routing ---

    @Test
    void badPercentEncodingIs400InTheEnvelopeAndTheConnectionStaysUsable() throws Exception {
        Socket socket = connect();
        for (String target : List.of("/api/v1/domains?cursor=%ZZ", "/api/v1/domains/%G1")) {
            send(socket, "GET " + target + " HTTP/1.1\r\n" + HOST + "\r\n");
            Response bad = read(socket);
            assertEnvelope(bad, 400);
            assertThat(bad.message()).contains("percent-encoding");
            assertThat(bad.header("connection")).isNull();
        }
        // The same connection still answers the next request.
        send(socket, "GET /api/v1/health HTTP/1.1\r\n" + HOST + "\r\n");
        Response health = read(socket);
        assertThat(health.header("x-request-id")).matches(ULID);
    }

    @Test
    void encodedTraversalAndOddPathsAre404() throws Exception {
        for (String target : List.of(
                "/api/v1/domains/..%2Fetc",
                "/api/v1/tokens/%00",
                "/api/v1/domains/%2e%2e/accounts",
                "/api/v1/domains/../accounts",
                "/api/v1//domains",
                "/api/v1/domains;x=1",
                "/api/v1/domains/a%5Cb",
                "/api/v1/domains/%252e")) {
            Response response = exchange("GET " + target + " HTTP/1.1\r\n" + HOST + "\r\n");
            assertEnvelope(response, 404);
            assertThat(response.message()).as(target).isEqualTo("No such resource.");
        }
    }

    @Test
    void traceAndConnectAre405WithTheRoutesMethodsOnceAuthenticated() throws Exception {
        String token = "Authorization: Bearer " + allToken + "\r\n";
        Response trace = exchange("TRACE /api/v1/domains HTTP/1.1\r\n" + HOST + token + "\r\n");
        assertEnvelope(trace, 405);
        assertThat(trace.header("allow").split(",")).contains("GET", "POST").doesNotContain("TRACE");
        assertThat(trace.message()).contains("TRACE");

        Response connect = exchange("CONNECT /api/v1/jobs/job_1 HTTP/1.1\r\n" + HOST + token + "\r\n");
        assertEnvelope(connect, 405);
        assertThat(connect.header("allow").split(",")).contains("GET").doesNotContain("POST", "CONNECT");

        // An authority as the target (a proxy's CONNECT) names no resource here.
        assertEnvelope(exchange("CONNECT 127.0.0.1:443 HTTP/1.1\r\n" + HOST + token + "\r\n"), 404);
        // Without a token, as for every method: 401, so that nobody maps the API's surface.
        assertEnvelope(exchange("TRACE /api/v1/domains HTTP/1.1\r\n" + HOST + "\r\n"), 401);
    }

    @Test
    void unknownMethodsAre501() throws Exception {
        for (String method : List.of("PROPFIND", "TRACK", "get")) {
            Response response = exchange(method + " /api/v1/domains HTTP/1.1\r\n" + HOST + "\r\n");
            assertEnvelope(response, 501);
            assertThat(response.message()).contains("Method " + method + " is not implemented");
        }
    }

    @Test
    void controlCharactersTheFirewallFindsWhenItReadsAre400() throws Exception {
        // A C1 control character (U+0085) passes Netty's header check; the firewall refuses it once it is read.
        Response header =
                exchange("GET /api/v1/domains HTTP/1.1\r\n" + HOST + "Authorization: Bearer hp_\u0085\r\n\r\n");
        assertEnvelope(header, 400);
        assertThat(header.message()).contains("not allowed");
        Response parameter = exchange(
                "GET /api/v1/domains?%01=x HTTP/1.1\r\n" + HOST + "Authorization: Bearer " + allToken + "\r\n\r\n");
        assertEnvelope(parameter, 400);
        assertThat(parameter.message()).contains("not allowed");
    }

    @Test
    void aFortyKilobyteUrlIs414AndTheConnectionIsClosed() throws Exception {
        Socket socket = connect();
        send(socket, "GET /api/v1/domains?q=" + "a".repeat(40 * 1024) + " HTTP/1.1\r\n" + HOST + "\r\n");
        Response response = read(socket);
        assertEnvelope(response, 414);
        assertThat(response.header("connection")).isEqualTo("close");
        assertClosed(socket);
    }

    @Test
    void oversizedHeadersAre431WhicheverLayerRefusesThem() throws Exception {
        // Over 8 KiB: the API's own limit. Over 64 KiB: Netty's, which refuses before Spring sees the request.
        for (int size : List.of(9_000, 70_000)) {
            Response response =
                    exchange("GET /api/v1/domains HTTP/1.1\r\n" + HOST + "X-Padding: " + "p".repeat(size) + "\r\n\r\n");
            assertEnvelope(response, 431);
            assertThat(response.message()).isEqualTo("Request headers are larger than 8 KiB.");
        }
    }

    @Test
    void bodiesOverOneMebibyteAre413DeclaredOrChunked() throws Exception {
        Response declared = exchange("POST /api/v1/domains HTTP/1.1\r\n" + HOST
                + "Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n");
        assertEnvelope(declared, 413);
        String chunk = "1000\r\n" + "a".repeat(0x1000) + "\r\n";
        Response chunked = exchange("POST /api/v1/domains HTTP/1.1\r\n" + HOST + "Authorization: Bearer " + allToken
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk.repeat(300)
                + "0\r\n\r\n");
        assertEnvelope(chunked, 413);
    }

    @Test
    void brokenFramingIs400AndTheConnectionIsClosed() throws Exception {
        for (String request : List.of(
                "POST /api/v1/domains HTTP/1.1\r\n" + HOST + "Content-Length: -5\r\n\r\n",
                "POST /api/v1/domains HTTP/1.1\r\n" + HOST
                        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                "GARBAGE\r\n\r\n",
                "GET /api/v1/a b HTTP/1.1\r\n" + HOST + "\r\n",
                "GET /api/v1/domains HTTP/1.1\r\n" + HOST + "X-Control: a\u0001b\r\n\r\n")) {
            Socket socket = connect();
            send(socket, request);
            Response response = read(socket);
            assertEnvelope(response, 400);
            assertThat(response.header("connection")).isEqualTo("close");
            assertClosed(socket);
        }
    }

    // --- deadlines ---

    @Test
    void twentyHalfSentHeadsAreAnswered408AndClosedAtTheHeadDeadline() throws Exception {
        List<CompletableFuture<Closing>> closings = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long opened = System.nanoTime();
            Socket socket = connect();
            send(socket, "GET /api/v1/system/hello HTTP/1.1\r\n" + HOST + "X-Half: sent");
            closings.add(untilClosed(socket, opened));
        }
        await().atMost(PATIENCE).until(() -> closings.stream().allMatch(CompletableFuture::isDone));
        for (CompletableFuture<Closing> closing : closings) {
            Closing closed = closing.get();
            assertThat(closed.after()).isGreaterThanOrEqualTo(HEAD_DEADLINE);
            Response response = parse(closed.received());
            assertEnvelope(response, 408);
            assertThat(response.header("connection")).isEqualTo("close");
        }
    }

    @Test
    void aHeadTricklingInByteByByteIsStillCutAtTheHeadDeadline() throws Exception {
        long opened = System.nanoTime();
        Socket socket = connect();
        CompletableFuture<Closing> closing = untilClosed(socket, opened);
        byte[] head = ("GET /api/v1/system/hello HTTP/1.1\r\n" + HOST + "X-Slow: " + "s".repeat(200) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            int[] next = {0};
            // One byte every 100 ms: each arrives well within any idle timeout, the whole head takes 25 s.
            trickle.scheduleAtFixedRate(
                    () -> {
                        try {
                            socket.getOutputStream().write(head[next[0]++]);
                        } catch (IOException | ArrayIndexOutOfBoundsException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
            await().atMost(PATIENCE).until(closing::isDone);
        } finally {
            trickle.shutdownNow();
        }
        Closing closed = closing.get();
        assertThat(closed.after()).isBetween(HEAD_DEADLINE, HEAD_DEADLINE.multipliedBy(8));
        assertEnvelope(parse(closed.received()), 408);
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHeadDeadlineWithoutAnAnswer() throws Exception {
        long opened = System.nanoTime();
        Socket socket = connect();
        CompletableFuture<Closing> closing = untilClosed(socket, opened);
        await().atMost(PATIENCE).until(closing::isDone);
        assertThat(closing.get().after()).isGreaterThanOrEqualTo(HEAD_DEADLINE);
        assertThat(closing.get().received()).isEmpty();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAtTheIdleDeadlineNotTheHeadOne() throws Exception {
        Socket socket = connect();
        long asked = System.nanoTime();
        send(socket, "GET /api/v1/health HTTP/1.1\r\n" + HOST + "\r\n");
        read(socket);
        // Measured from the request, which was answered at once: the idle deadline counts from the answer.
        CompletableFuture<Closing> closing = untilClosed(socket, asked);
        await().atMost(PATIENCE).until(closing::isDone);
        assertThat(closing.get().after()).isBetween(IDLE_DEADLINE, IDLE_DEADLINE.multipliedBy(3));
        assertThat(closing.get().received()).isEmpty();
    }

    @Test
    void aLongPollLongerThanBothDeadlinesCompletesAndTheConnectionLivesOn() throws Exception {
        JsonNode accepted = json(
                HttpMethod.POST,
                "/api/v1/domains/" + zone + "/dns/records",
                allToken,
                "{\"name\":\"www\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.7\"}",
                202);
        String job = accepted.path("data").path("id").asString();
        Socket socket = connect();
        long asked = System.nanoTime();
        // No worker runs here: the job stays queued, and the poll is answered when its wait ends.
        send(
                socket,
                "GET /api/v1/jobs/" + job + "?wait=5s HTTP/1.1\r\n" + HOST + "Authorization: Bearer " + allToken
                        + "\r\n\r\n");
        Response poll = read(socket);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThan(IDLE_DEADLINE.plusSeconds(1));
        assertThat(poll.status()).isEqualTo(200);
        assertThat(poll.json().path("data").path("id").asString()).isEqualTo(job);
        send(socket, "GET /api/v1/health HTTP/1.1\r\n" + HOST + "\r\n");
        assertThat(read(socket).header("x-request-id")).matches(ULID);
    }

    // --- raw HTTP ---

    record Response(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() {
            return JSON.readTree(body);
        }

        String message() {
            return json().path("message").asString();
        }
    }

    /** What a connection received until the server closed it, and how long after {@code since} that was. */
    record Closing(byte[] received, Duration after) {}

    private static void assertEnvelope(Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("content-type")).startsWith("application/json");
        JsonNode body = response.json();
        assertThat(body.path("success").asBoolean(true)).isFalse();
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("error").asString()).isNotBlank();
        assertThat(body.path("message").asString()).isNotBlank();
        assertThat(body.path("errors").isArray()).isTrue();
        assertThat(body.path("timestamp").asString()).isNotBlank();
        assertThat(response.header("x-request-id"))
                .matches(ULID)
                .isEqualTo(body.path("request_id").asString());
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", Integer.parseInt(env.getProperty("local.server.port")));
        socket.setSoTimeout((int) PATIENCE.toMillis());
        sockets.add(socket);
        return socket;
    }

    private static void send(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** One request on a connection of its own, and its answer. */
    private Response exchange(String request) throws IOException {
        Socket socket = connect();
        send(socket, request);
        return read(socket);
    }

    /** Reads one response (head and a {@code Content-Length} body) from the connection. */
    private static Response read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!endsWithBlankLine(head)) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.write(b);
        }
        Response parsed = parse(head.toByteArray());
        String length = parsed.header("content-length");
        byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
        return new Response(parsed.status(), parsed.headers(), new String(body, StandardCharsets.UTF_8));
    }

    private static boolean endsWithBlankLine(ByteArrayOutputStream head) {
        byte[] bytes = head.toByteArray();
        int n = bytes.length;
        return n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n';
    }

    /** A whole response as received: status line, headers and body. */
    private static Response parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("a response head in: " + text).isPositive();
        String[] lines = text.substring(0, end).split("\r\n");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
    }

    /** The server has closed the connection: the next read finds its end (or its reset). */
    private static void assertClosed(Socket socket) throws IOException {
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (SocketException reset) {
            assertThat(reset.getMessage()).contains("reset");
        }
    }

    /** Reads everything the server sends until it closes the connection, on a thread of its own. */
    private CompletableFuture<Closing> untilClosed(Socket socket, long since) {
        return CompletableFuture.supplyAsync(
                () -> {
                    ByteArrayOutputStream received = new ByteArrayOutputStream();
                    try {
                        InputStream in = socket.getInputStream();
                        byte[] buffer = new byte[4096];
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            received.write(buffer, 0, n);
                        }
                    } catch (SocketException reset) {
                        // closed with a reset: closed all the same
                    } catch (IOException e) {
                        throw new IllegalStateException("not closed: " + e, e);
                    }
                    return new Closing(received.toByteArray(), Duration.ofNanos(System.nanoTime() - since));
                },
                readers);
    }
}
