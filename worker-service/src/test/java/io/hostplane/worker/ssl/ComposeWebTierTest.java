package io.hostplane.worker.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hostplane.embedded.FreePorts;
import io.hostplane.embedded.NginxServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web tier of docker-compose.yml ({@code deploy/web.conf}) on a real nginx: certificates are read from the
 * shared directory at each handshake by the requested name, so a certificate written by a worker is served
 * without any reload across containers, and an unknown name gets no certificate at all.
 */
class ComposeWebTierTest {

    @TempDir
    Path dir;

    @Test
    void aCertificateWrittenToTheSharedDirectoryIsServedAtTheNextHandshakeWithoutAReload() throws Exception {
        assumeTrue(NginxServer.isInstalled(), "nginx is not installed at " + NginxServer.BINARY);
        Path certs = Files.createDirectories(dir.resolve("certs"));
        String config = Files.readString(Path.of("..", "deploy", "web.conf"))
                .replace("listen 8443 ssl;", "listen 127.0.0.1:${port} ssl;")
                .replace("/etc/nginx/hostplane-certs", certs.toString());
        String domain = "web-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        SslTestCertificates first = SslTestCertificates.selfSigned(domain);
        install(certs, domain, first);

        try (NginxServer nginx = new NginxServer(dir.resolve("nginx"), FreePorts.next()).start(config)) {
            assertThat(SslTestCertificates.served(nginx.port(), domain)).isEqualTo(first.fingerprint());

            SslTestCertificates second = SslTestCertificates.selfSigned(domain);
            install(certs, domain, second);
            assertThat(SslTestCertificates.served(nginx.port(), domain)).isEqualTo(second.fingerprint());

            assertThatThrownBy(() -> SslTestCertificates.served(nginx.port(), "unknown-" + domain))
                    .isInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    /** As the worker does it: each file written beside its place, then moved in. */
    private static void install(Path certs, String domain, SslTestCertificates pair) throws Exception {
        Path crt = certs.resolve(domain + ".crt.tmp");
        Path key = certs.resolve(domain + ".key.tmp");
        Files.writeString(crt, pair.certificatePem());
        Files.writeString(key, pair.keyPem());
        Files.move(
                key,
                certs.resolve(domain + ".key"),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        Files.move(
                crt,
                certs.resolve(domain + ".crt"),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
