package io.hostplane.worker.website;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.worker.nginx.NginxChange;
import io.hostplane.worker.ssl.SslTestCertificates;
import io.hostplane.worker.system.JobFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local backend and the files behind both backends, without nginx: the block and the stored website, the
 * block made again when the certificate comes or goes, a delete that leaves another website's block alone, and a
 * change put back whole.
 */
@Tag("fast")
class SiteFilesTest {

    @TempDir
    Path dir;

    private SiteFiles files() {
        return new SiteFiles(
                dir.resolve("conf"),
                new ServerBlocks(dir.resolve("sites"), dir.resolve("certs"), "127.0.0.1", 8088, 8448));
    }

    private static ApplyWebsite website(String id, String https) {
        return new ApplyWebsite(
                id, "example.com", List.of("www.example.com"), "static", null, null, https, null, List.of());
    }

    @Test
    void theLocalBackendWritesTheBlockAndTheWebsiteAndTheBlockFollowsTheCertificate() throws Exception {
        SiteFiles files = files();
        LocalWebsiteBackend backend = new LocalWebsiteBackend(files);
        assertThat(backend.apply(website("w-1", "redirect"))).isEmpty();
        Path conf = dir.resolve("conf/example.com.conf");
        assertThat(Files.readString(conf))
                .contains("server_name example.com www.example.com;")
                .doesNotContain("ssl");
        assertThat(files.read("example.com")).isEqualTo(website("w-1", "redirect"));

        // A certificate for the domain only: the block gets TLS and the redirect; the alias is not covered.
        SslTestCertificates certificate = SslTestCertificates.selfSigned("example.com");
        Files.createDirectories(dir.resolve("certs"));
        Files.writeString(dir.resolve("certs/example.com.crt"), certificate.certificatePem());
        Files.writeString(dir.resolve("certs/example.com.key"), certificate.keyPem());
        NginxChange change = new NginxChange();
        files.certificateChanged("example.com", change);
        assertThat(Files.readString(conf)).contains("ssl_certificate ").contains("return 301");
        assertThat(backend.apply(website("w-1", "redirect"))).singleElement().satisfies(w -> {
            assertThat(w.code()).isEqualTo(ErrorCodes.CERT_NAME_MISMATCH);
            assertThat(w.message()).contains("www.example.com");
        });
        assertThat(backend.apply(website("w-1", "off"))).isEmpty();
        assertThat(Files.readString(conf)).doesNotContain("ssl");
        backend.apply(website("w-1", "auto"));

        // The certificate removed: the block is plain HTTP again; put back, the change restores the TLS block.
        String withTls = Files.readString(conf);
        Files.delete(dir.resolve("certs/example.com.crt"));
        NginxChange removal = new NginxChange();
        files.certificateChanged("example.com", removal);
        assertThat(Files.readString(conf)).doesNotContain("ssl");
        removal.restore();
        assertThat(Files.readString(conf)).isEqualTo(withTls);

        // A domain without a website: nothing to follow.
        NginxChange other = new NginxChange();
        files.certificateChanged("other.example", other);
        assertThat(other.files()).isEmpty();
    }

    @Test
    void aDeleteRemovesOnlyItsOwnWebsitesFiles() throws Exception {
        SiteFiles files = files();
        LocalWebsiteBackend backend = new LocalWebsiteBackend(files);
        backend.apply(website("w-2", "auto"));
        assertThat(backend.delete("w-1", "example.com")).isFalse();
        assertThat(dir.resolve("conf/example.com.conf")).exists();
        assertThat(backend.delete("w-2", "example.com")).isTrue();
        assertThat(dir.resolve("conf/example.com.conf")).doesNotExist();
        assertThat(dir.resolve("conf/example.com.json")).doesNotExist();
        assertThat(backend.delete("w-2", "example.com")).isFalse();
        assertThatThrownBy(() -> backend.delete("w-2", "../etc/passwd"))
                .isInstanceOfSatisfying(
                        JobFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCodes.INVALID));
    }

    @Test
    void aRestoredChangeLeavesEveryFileAsItWas() throws Exception {
        Path existing = Files.writeString(dir.resolve("a.conf"), "before");
        Path created = dir.resolve("b.conf");
        Path deleted = Files.writeString(dir.resolve("c.conf"), "kept");
        NginxChange change = new NginxChange();
        change.write(existing, "after".getBytes(), "rw-r--r--");
        change.write(existing, "after again".getBytes(), "rw-r--r--");
        change.write(created, "new".getBytes(), "rw-------");
        assertThat(change.delete(deleted)).isTrue();
        change.restore();
        assertThat(Files.readString(existing)).isEqualTo("before");
        assertThat(created).doesNotExist();
        assertThat(Files.readString(deleted)).isEqualTo("kept");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.conf", "c.conf");
        }
    }
}
