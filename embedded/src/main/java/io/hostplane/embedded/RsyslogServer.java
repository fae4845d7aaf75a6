package io.hostplane.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's rsyslog ({@code rsyslog} and {@code rsyslog-gnutls}) as a test's child process: one TLS syslog input
 * (RFC 5425, GnuTLS, anonymous clients) on 127.0.0.1 only, writing every message it receives to
 * {@code messages.log} in its folder in RFC 5424 form ({@code RSYSLOG_SyslogProtocol23Format}, which keeps the
 * MSGID and the structured data). No other input (no local socket, no kernel log), no forwarding, no DNS lookups;
 * its state lives in its own folder. {@link #stop()} and {@link #start} again on the same port restart it.
 */
public final class RsyslogServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/rsyslogd");
    public static final Path GTLS = Path.of("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so");

    private final Path dir;
    private final int port;
    private Process process;

    public RsyslogServer(Path dir, int port) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
    }

    /** Whether rsyslogd and its GnuTLS driver are installed (Debian's multiarch path, or any lib folder). */
    public static boolean isInstalled() {
        if (!Files.isExecutable(BINARY)) {
            return false;
        }
        if (Files.exists(GTLS)) {
            return true;
        }
        try (var found = Files.find(Path.of("/usr/lib"), 3, (p, a) -> p.endsWith("lmnsd_gtls.so"))) {
            return found.findAny().isPresent();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Starts rsyslogd with the CA, certificate and key files (PEM) given; waits until it accepts connections on
     * the port.
     */
    public RsyslogServer start(Path caFile, Path certFile, Path keyFile) {
        try {
            Files.createDirectories(dir.resolve("work"));
            String config = String.join(
                    "\n",
                    "global(",
                    "  workDirectory=\"" + dir.resolve("work") + "\"",
                    "  maxMessageSize=\"256k\"",
                    "  net.enableDNS=\"off\"",
                    "  defaultNetstreamDriver=\"gtls\"",
                    "  defaultNetstreamDriverCAFile=\"" + caFile.toAbsolutePath() + "\"",
                    "  defaultNetstreamDriverCertFile=\"" + certFile.toAbsolutePath() + "\"",
                    "  defaultNetstreamDriverKeyFile=\"" + keyFile.toAbsolutePath() + "\"",
                    ")",
                    "module(load=\"imtcp\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\""
                            + " streamDriver.authMode=\"anon\")",
                    "input(type=\"imtcp\" port=\"" + port + "\" address=\"127.0.0.1\")",
                    "action(type=\"omfile\" file=\"" + messages() + "\""
                            + " template=\"RSYSLOG_SyslogProtocol23Format\")",
                    "");
            Path file = dir.resolve("rsyslog.conf");
            Files.writeString(file, config);
            process = new ProcessBuilder(List.of(
                            BINARY.toString(),
                            "-n",
                            "-f",
                            file.toString(),
                            "-i",
                            dir.resolve("rsyslogd.pid").toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("rsyslogd.out").toFile()))
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("rsyslogd exited: " + output());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return this;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            // rsyslogd keeps running without a listener it could not create (a certificate it cannot read): stop
            // it, or it outlives the test.
            stop();
            throw new IllegalStateException(
                    "rsyslogd did not listen on 127.0.0.1:" + port + " within 15 s: " + output());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The file every received message is written to, one line each. */
    public Path messages() {
        return dir.resolve("messages.log");
    }

    /** The lines written so far (none before the first message). */
    public List<String> lines() {
        try {
            return Files.exists(messages()) ? Files.readAllLines(messages(), StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What rsyslogd printed (its own errors). */
    public String output() {
        try {
            Path out = dir.resolve("rsyslogd.out");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM: rsyslogd writes what it has queued and exits; {@link #start} may run it again. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }
}
