package io.hostplane.worker.ssl;

import io.hostplane.embedded.FreePorts;
import io.hostplane.embedded.NginxServer;
import io.hostplane.embedded.TestInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real nginx for a worker test (with its master process, so that it can be reloaded; everything under one
 * temporary folder) and the worker's {@code nginx} backend settings that point at it.
 */
final class WorkerNginx {

    final Path certDir;
    final NginxServer server;

    WorkerNginx(String prefix) {
        try {
            // Reachable by nginx's worker processes (user nobody when nginx starts as root), which read the
            // certificates named by SNI at each handshake, as on a real web server.
            Path root = Files.createTempDirectory(
                    prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            certDir = root.resolve("certs");
            server = new NginxServer(root.resolve("nginx"), FreePorts.next()).withMasterProcess();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The worker on the test infrastructure, its nginx backend using this server's folder and commands. */
    void register(DynamicPropertyRegistry registry, String encryptionKey) {
        TestInfrastructure.register(registry);
        registry.add("hostplane.ssl.encryption-key", () -> encryptionKey);
        registry.add("hostplane.ssl.nginx.cert-dir", certDir::toString);
        registry.add("hostplane.ssl.nginx.test-command", () -> String.join(" ", server.testCommand()));
        registry.add("hostplane.ssl.nginx.reload-command", () -> String.join(" ", server.reloadCommand()));
        registry.add("hostplane.ssl.nginx.command-timeout", () -> "20s");
    }

    /** A TLS server block for {@code domain} that names its certificate files, which nginx loads at start. */
    String serverNamingItsFiles(String domain) {
        return String.join(
                "\n",
                "server {",
                "  listen 127.0.0.1:${port} ssl;",
                "  server_name " + domain + ";",
                "  ssl_certificate " + certDir.resolve(domain + ".crt") + ";",
                "  ssl_certificate_key " + certDir.resolve(domain + ".key") + ";",
                "  ssl_stapling off;",
                "  return 200 'ok';",
                "}");
    }
}
