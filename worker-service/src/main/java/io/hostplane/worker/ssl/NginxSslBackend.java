package io.hostplane.worker.ssl;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.worker.nginx.CertificateFollower;
import io.hostplane.worker.nginx.NginxChange;
import io.hostplane.worker.nginx.NginxCommands;
import io.hostplane.worker.system.JobFailure;
import io.hostplane.worker.system.TransientBackendException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs into nginx's certificate folder: {@code {cert-dir}/{domain}.crt} (certificate, then chain) and
 * {@code {domain}.key} (mode 600), each written to a temporary file and moved into place atomically; then the
 * {@link CertificateFollower}s rewrite what refers to the domain's certificate (its website's server block), and
 * the test command ({@code nginx -t}) and the reload command run. When the test or the reload fails, every file
 * the change touched is put back (or removed, if it was new) before the job fails with the command's output, so
 * nginx keeps serving what it served. A removal deletes both files and does the same. One nginx change at a time
 * per worker process ({@link NginxChange#locked}): nginx's test checks every file, so two changes side by side
 * could fail each other.
 */
class NginxSslBackend implements SslBackend {

    private static final Logger log = LoggerFactory.getLogger(NginxSslBackend.class);
    private static final Pattern SAFE_NAME =
            Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
    private static final String RESTORED = "previous certificate files restored";

    private final Path certDir;
    private final NginxCommands commands;
    private final Supplier<List<CertificateFollower>> followers;

    NginxSslBackend(SslProperties.Nginx settings) {
        this(settings, List::of);
    }

    NginxSslBackend(SslProperties.Nginx settings, Supplier<List<CertificateFollower>> followers) {
        if (settings.certDir() == null || settings.certDir().isBlank()) {
            throw new IllegalStateException(
                    "hostplane.ssl.nginx.cert-dir (HOSTPLANE_SSL_NGINX_CERT_DIR) must be set for the nginx SSL backend");
        }
        this.certDir = Path.of(settings.certDir()).toAbsolutePath();
        this.commands = new NginxCommands(settings.testCommand(), settings.reloadCommand(), settings.commandTimeout());
        this.followers = followers;
    }

    @Override
    public String name() {
        return "nginx";
    }

    @Override
    public void install(
            String domain, String certificateId, String fingerprint, String fullChain, Supplier<String> privateKey) {
        Path crt = file(domain, ".crt");
        Path key = file(domain, ".key");
        try {
            NginxChange.locked(() -> {
                NginxChange change = new NginxChange();
                Files.createDirectories(certDir);
                change.write(key, privateKey.get().getBytes(StandardCharsets.US_ASCII), "rw-------");
                change.write(crt, fullChain.getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
                follow(domain, change);
                commands.testAndReload(change, RESTORED);
                return null;
            });
            log.info("certificate {} (sha256 {}) installed for {} in {}", certificateId, fingerprint, domain, certDir);
        } catch (IOException e) {
            throw new TransientBackendException("cannot write the certificate files of " + domain + ": " + e, e);
        }
    }

    /**
     * Deletes both files, then runs the test and the reload command (also when there were no files, so that a
     * removal redelivered after a crash before the reload still reloads); if either fails, the files are put
     * back as they were.
     */
    @Override
    public boolean remove(String domain) {
        Path crt = file(domain, ".crt");
        Path key = file(domain, ".key");
        try {
            boolean removed = NginxChange.locked(() -> {
                NginxChange change = new NginxChange();
                boolean had = change.delete(crt) | change.delete(key);
                follow(domain, change);
                commands.testAndReload(change, RESTORED);
                return had;
            });
            log.info("certificate files of {} removed from {}", domain, certDir);
            return removed;
        } catch (IOException e) {
            throw new TransientBackendException("cannot remove the certificate files of " + domain + ": " + e, e);
        }
    }

    /** Lets what refers to the domain's certificate follow it; a failure there puts the files back first. */
    private void follow(String domain, NginxChange change) throws IOException {
        try {
            for (CertificateFollower follower : followers.get()) {
                follower.certificateChanged(domain, change);
            }
        } catch (IOException | RuntimeException e) {
            change.restore();
            throw e;
        }
    }

    private Path file(String domain, String suffix) {
        if (domain == null || !SAFE_NAME.matcher(domain).matches() || domain.length() > 253) {
            throw new JobFailure(ErrorCodes.INVALID, "Domain " + domain + " cannot name a certificate file.");
        }
        return certDir.resolve(domain + suffix);
    }
}
