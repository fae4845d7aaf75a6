package io.hostplane.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's nginx as a test's child process, on 127.0.0.1 only, with every file it writes (pid, logs,
 * temporary bodies) under its own folder, in the foreground and as a single process so it runs as root or
 * not. The caller supplies the {@code http} block's contents. nginx makes no outbound calls of its own.
 */
public final class NginxServer implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    private final Path dir;
    private final int port;
    private Process process;
    private boolean masterProcess;

    public NginxServer(Path dir, int port) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
    }

    /**
     * Runs nginx with its master process (still in the foreground), for tests that reload it: a single-process
     * nginx re-reads its configuration on {@code -s reload} but then stops answering TLS on its old sockets.
     */
    public NginxServer withMasterProcess() {
        this.masterProcess = true;
        return this;
    }

    public static boolean isInstalled() {
        return Files.isExecutable(BINARY);
    }

    /** Starts nginx with {@code http} as its http block; waits until it accepts connections on the port. */
    public NginxServer start(String http) {
        try {
            Files.createDirectories(dir.resolve("tmp"));
            String config = String.join(
                    "\n",
                    "daemon off;",
                    "master_process " + (masterProcess ? "on" : "off") + ";",
                    "worker_processes 1;",
                    "pid " + dir.resolve("nginx.pid") + ";",
                    "error_log " + dir.resolve("error.log") + " warn;",
                    "events { worker_connections 1024; }",
                    "http {",
                    "  access_log off;",
                    "  client_body_temp_path " + dir.resolve("tmp/body") + ";",
                    "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";",
                    "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";",
                    "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";",
                    "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";",
                    http.replace("${port}", Integer.toString(port)),
                    "}",
                    "");
            Path file = dir.resolve("nginx.conf");
            Files.writeString(file, config);
            process = new ProcessBuilder(List.of(
                            BINARY.toString(),
                            "-p",
                            dir.toString(),
                            "-e",
                            dir.resolve("error.log").toString(),
                            "-c",
                            file.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile())
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("nginx.out")));
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return this;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            throw new IllegalStateException("nginx did not listen on 127.0.0.1:" + port + " within 15 s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The generated configuration file (written by {@link #start}). */
    public Path configFile() {
        return dir.resolve("nginx.conf");
    }

    /** {@code nginx -t} of this server's configuration, as a command line. */
    public List<String> testCommand() {
        return List.of(
                BINARY.toString(),
                "-t",
                "-q",
                "-p",
                dir.toString(),
                "-e",
                dir.resolve("error.log").toString(),
                "-c",
                configFile().toString());
    }

    /**
     * {@code nginx -s reload} of this server, as a command line: signals the running process (found through its
     * pid file), which re-reads its configuration and certificates; a single-process nginx does so too.
     */
    public List<String> reloadCommand() {
        return List.of(
                BINARY.toString(),
                "-s",
                "reload",
                "-p",
                dir.toString(),
                "-e",
                dir.resolve("error.log").toString(),
                "-c",
                configFile().toString());
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
