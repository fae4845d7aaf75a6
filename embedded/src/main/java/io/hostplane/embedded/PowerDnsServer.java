package io.hostplane.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's PowerDNS Authoritative server (4.7, {@code pdns-server} with {@code pdns-backend-sqlite3}) as a
 * test's child process: its own folder with a SQLite database, its configuration, control socket and log;
 * DNS (UDP and TCP) and the HTTP API on free ports of 127.0.0.1 only; a random API key. It makes no outbound
 * calls: the security poll is off (empty {@code security-poll-suffix}), it is neither primary nor secondary
 * (no NOTIFY, no AXFR in or out) and its own queries may only leave from 127.0.0.1.
 *
 * <p>RFC 2136 updates are accepted from 127.0.0.0/8 for zones whose {@code TSIG-ALLOW-DNSUPDATE} metadata
 * names the key that signed them (see {@link #createZone(String, String)}). {@link #stop()} and
 * {@link #start()} again keep the data and the ports, so a test can take the server away and bring it back.
 */
public final class PowerDnsServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/pdns_server");
    public static final Path SQLITE = Path.of("/usr/bin/sqlite3");
    public static final Path SCHEMA = Path.of("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final int dnsPort;
    private final int apiPort;
    private final String apiKey;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    /** A server whose files all live in {@code dir} (created if needed), on two free loopback ports. */
    public PowerDnsServer(Path dir) {
        this.dir = dir.toAbsolutePath();
        this.dnsPort = FreePorts.next();
        this.apiPort = FreePorts.next();
        this.apiKey = randomBase64(24);
    }

    /** True if the server, its SQLite backend and the {@code sqlite3} tool are installed. */
    public static boolean isInstalled() {
        return Files.isExecutable(BINARY) && Files.isExecutable(SQLITE) && Files.isReadable(SCHEMA);
    }

    /** A random base64 secret of {@code bytes} bytes (API keys, TSIG secrets). */
    public static String randomBase64(int bytes) {
        byte[] secret = new byte[bytes];
        RANDOM.nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    /** Starts the server (creating its database the first time); returns once the API answers. */
    public synchronized PowerDnsServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            Files.createDirectories(dir);
            Path db = dir.resolve("pdns.sqlite3");
            if (!Files.exists(db)) {
                run(List.of(SQLITE.toString(), db.toString(), ".read " + SCHEMA));
            }
            Files.writeString(dir.resolve("pdns.conf"), config(db));
            process = new ProcessBuilder(List.of(BINARY.toString(), "--config-dir=" + dir))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("pdns.log").toFile()))
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("pdns_server exited: " + Files.readString(dir.resolve("pdns.log")));
                }
                try {
                    if (api("GET", "", null).statusCode() == 200) {
                        return this;
                    }
                } catch (ConnectException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("PowerDNS API did not answer on 127.0.0.1:" + apiPort + " within 20 s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String config(Path db) {
        return String.join(
                "\n",
                "launch=gsqlite3",
                "gsqlite3-database=" + db,
                "local-address=127.0.0.1",
                "local-port=" + dnsPort,
                "socket-dir=" + dir,
                "daemon=no",
                "guardian=no",
                "disable-syslog=yes",
                "api=yes",
                "api-key=" + apiKey,
                "webserver=yes",
                "webserver-address=127.0.0.1",
                "webserver-port=" + apiPort,
                "webserver-allow-from=127.0.0.0/8",
                // Mandatory: otherwise the server asks a public resolver about its own version at start-up.
                "security-poll-suffix=",
                "primary=no",
                "secondary=no",
                "disable-axfr=yes",
                "query-local-address=127.0.0.1",
                "dnsupdate=yes",
                "allow-dnsupdate-from=127.0.0.0/8",
                "");
    }

    /** Stops the server, keeping its data and ports for a later {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Creates a native zone with one NS record; RFC 2136 updates to it must be signed with {@code tsigKeyName}. */
    public void createZone(String zone, String tsigKeyName) {
        String name = absolute(zone);
        expect(
                201,
                "POST",
                "/zones",
                "{\"name\":\"" + name + "\",\"kind\":\"Native\",\"nameservers\":[\"ns1." + name + "\"]}");
        expect(
                201,
                "POST",
                "/zones/" + name + "/metadata",
                "{\"kind\":\"TSIG-ALLOW-DNSUPDATE\",\"metadata\":[\"" + tsigKeyName + "\"]}");
    }

    /** Adds a TSIG key to the server's key store. */
    public void addTsigKey(String name, String algorithm, String base64Secret) {
        expect(
                201,
                "POST",
                "/tsigkeys",
                "{\"name\":\"" + name + "\",\"algorithm\":\"" + algorithm + "\",\"key\":\"" + base64Secret + "\"}");
    }

    private void expect(int status, String method, String path, String body) {
        try {
            HttpResponse<String> response = api(method, path, body);
            if (response.statusCode() != status) {
                throw new IllegalStateException(
                        method + " " + path + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> api(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl() + "/api/v1/servers/localhost" + path))
                .header("X-API-Key", apiKey)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        Path log = dir.resolve("setup.log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " failed: " + Files.readString(log));
        }
    }

    private static String absolute(String zone) {
        return zone.endsWith(".") ? zone : zone + ".";
    }

    /** The API's base URL, {@code http://127.0.0.1:<port>}. */
    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    public String apiKey() {
        return apiKey;
    }

    /** The DNS port (UDP and TCP) on 127.0.0.1. */
    public int dnsPort() {
        return dnsPort;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        stop();
    }
}
