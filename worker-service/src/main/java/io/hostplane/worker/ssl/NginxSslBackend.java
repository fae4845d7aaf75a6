package io.hostplane.worker.ssl;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.worker.system.JobFailure;
import io.hostplane.worker.system.TransientBackendException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs into nginx's certificate folder: {@code {cert-dir}/{domain}.crt} (certificate, then chain) and
 * {@code {domain}.key} (mode 600), each written to a temporary file and moved into place atomically; then runs
 * the test command ({@code nginx -t}) and the reload command. When the test or the reload fails, the previous
 * files are put back (or the new ones removed, if there were none) before the job fails with the command's
 * output, so nginx keeps serving what it served. A removal deletes both files and runs the same two commands,
 * with the same restore. One change at a time per worker process: nginx's test checks every certificate, so
 * two changes side by side could fail each other.
 */
class NginxSslBackend implements SslBackend {

    private static final Logger log = LoggerFactory.getLogger(NginxSslBackend.class);
    private static final Pattern SAFE_NAME =
            Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
    private static final int MAX_REASON = 2000;

    private final Path certDir;
    private final List<String> testCommand;
    private final List<String> reloadCommand;
    private final Duration timeout;

    NginxSslBackend(SslProperties.Nginx settings) {
        if (settings.certDir() == null || settings.certDir().isBlank()) {
            throw new IllegalStateException(
                    "hostplane.ssl.nginx.cert-dir (HOSTPLANE_SSL_NGINX_CERT_DIR) must be set for the nginx SSL backend");
        }
        this.certDir = Path.of(settings.certDir()).toAbsolutePath();
        this.testCommand = command(settings.testCommand());
        this.reloadCommand = command(settings.reloadCommand());
        this.timeout = settings.commandTimeout();
    }

    /** A list as configured, or one string split at whitespace (an environment variable gives one string). */
    static List<String> command(List<String> configured) {
        if (configured == null) {
            return List.of();
        }
        List<String> words = new ArrayList<>();
        for (String part : configured) {
            if (configured.size() == 1) {
                Arrays.stream(part.trim().split("\\s+"))
                        .filter(s -> !s.isEmpty())
                        .forEach(words::add);
            } else {
                words.add(part);
            }
        }
        return List.copyOf(words);
    }

    @Override
    public String name() {
        return "nginx";
    }

    @Override
    public synchronized void install(
            String domain, String certificateId, String fingerprint, String fullChain, Supplier<String> privateKey) {
        Path crt = file(domain, ".crt");
        Path key = file(domain, ".key");
        try {
            Files.createDirectories(certDir);
            byte[] oldCrt = Files.exists(crt) ? Files.readAllBytes(crt) : null;
            byte[] oldKey = Files.exists(key) ? Files.readAllBytes(key) : null;
            write(key, privateKey.get().getBytes(StandardCharsets.US_ASCII), "rw-------");
            write(crt, fullChain.getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
            step(ErrorCodes.NGINX_TEST_FAILED, "test", testCommand, crt, oldCrt, key, oldKey);
            step(ErrorCodes.NGINX_RELOAD_FAILED, "reload", reloadCommand, crt, oldCrt, key, oldKey);
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
    public synchronized boolean remove(String domain) {
        Path crt = file(domain, ".crt");
        Path key = file(domain, ".key");
        try {
            byte[] oldCrt = Files.exists(crt) ? Files.readAllBytes(crt) : null;
            byte[] oldKey = Files.exists(key) ? Files.readAllBytes(key) : null;
            Files.deleteIfExists(crt);
            Files.deleteIfExists(key);
            step(ErrorCodes.NGINX_TEST_FAILED, "test", testCommand, crt, oldCrt, key, oldKey);
            step(ErrorCodes.NGINX_RELOAD_FAILED, "reload", reloadCommand, crt, oldCrt, key, oldKey);
            log.info("certificate files of {} removed from {}", domain, certDir);
            return oldCrt != null || oldKey != null;
        } catch (IOException e) {
            throw new TransientBackendException("cannot remove the certificate files of " + domain + ": " + e, e);
        }
    }

    private Path file(String domain, String suffix) {
        if (!SAFE_NAME.matcher(domain).matches() || domain.length() > 253) {
            throw new JobFailure(ErrorCodes.INVALID, "Domain " + domain + " cannot name a certificate file.");
        }
        return certDir.resolve(domain + suffix);
    }

    /** Runs {@code command}; if it fails or hangs, puts the previous files back and fails (or retries) the job. */
    private void step(String code, String what, List<String> command, Path crt, byte[] oldCrt, Path key, byte[] oldKey)
            throws IOException {
        if (command.isEmpty()) {
            return;
        }
        Run run = run(command);
        if (run.exitCode() == 0) {
            return;
        }
        restore(key, oldKey, "rw-------");
        restore(crt, oldCrt, "rw-r--r--");
        if (run.timedOut()) {
            throw new TransientBackendException(
                    "the nginx " + what + " command did not finish within " + timeout + "; previous files restored",
                    null);
        }
        throw new JobFailure(
                code,
                "nginx " + what + " failed (exit " + run.exitCode() + "), previous certificate files restored: "
                        + run.reason());
    }

    private static void restore(Path file, byte[] previous, String mode) throws IOException {
        if (previous == null) {
            Files.deleteIfExists(file);
        } else {
            write(file, previous, mode);
        }
    }

    /** Writes {@code content} to a temporary file in the same folder, created with {@code mode}, and moves it over {@code file}. */
    static void write(Path file, byte[] content, String mode) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    record Run(int exitCode, boolean timedOut, String reason) {}

    /** Runs a command with a timeout; its stderr (else stdout), trimmed and shortened, is the reason. */
    Run run(List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("hostplane-ssl-", ".out");
            err = Files.createTempFile("hostplane-ssl-", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Run(-1, true, "timed out");
            }
            String reason = Files.readString(err, StandardCharsets.UTF_8).trim();
            if (reason.isEmpty()) {
                reason = Files.readString(out, StandardCharsets.UTF_8).trim();
            }
            if (reason.length() > MAX_REASON) {
                reason = reason.substring(0, MAX_REASON) + "…";
            }
            return new Run(process.exitValue(), false, reason);
        } catch (IOException e) {
            // The command cannot be started at all (not installed, not executable): a configuration error.
            return new Run(127, false, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientBackendException("interrupted while running " + command.get(0), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
