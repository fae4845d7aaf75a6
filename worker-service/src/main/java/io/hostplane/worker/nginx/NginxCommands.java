package io.hostplane.worker.nginx;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.worker.system.JobFailure;
import io.hostplane.worker.system.TransientBackendException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx's test command ({@code nginx -t}) and reload command ({@code nginx -s reload}) as configured for one
 * backend, each killed after a timeout. {@link #testAndReload} applies an {@link NginxChange}: when the test or
 * the reload fails, the change's files are put back before the job fails with the command's output, so nginx keeps
 * serving what it served.
 */
public final class NginxCommands {

    private static final int MAX_REASON = 2000;

    private final List<String> testCommand;
    private final List<String> reloadCommand;
    private final Duration timeout;

    /** Commands as configured: a list, or one string split at whitespace; empty or null: not run. */
    public NginxCommands(List<String> testCommand, List<String> reloadCommand, Duration timeout) {
        this.testCommand = command(testCommand);
        this.reloadCommand = command(reloadCommand);
        this.timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
    }

    /** A list as configured, or one string split at whitespace (an environment variable gives one string). */
    public static List<String> command(List<String> configured) {
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

    /** The outcome of a command: its exit code (0 when not configured), whether it timed out, and its output. */
    public record Run(int exitCode, boolean timedOut, String reason) {

        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs the test command alone (0 when there is none). */
    public Run test() {
        return testCommand.isEmpty() ? new Run(0, false, "") : run(testCommand);
    }

    /**
     * Runs the test, then the reload command. If either fails, {@code change} is restored and the job fails
     * ({@code NGINX_TEST_FAILED} or {@code NGINX_RELOAD_FAILED}, with nginx's message after {@code restored}, e.g.
     * "previous certificate files restored"); a command that hangs is killed, and after the restore the job is
     * retried.
     */
    public void testAndReload(NginxChange change, String restored) throws IOException {
        step(ErrorCodes.NGINX_TEST_FAILED, "test", testCommand, change, restored);
        step(ErrorCodes.NGINX_RELOAD_FAILED, "reload", reloadCommand, change, restored);
    }

    private void step(String code, String what, List<String> command, NginxChange change, String restored)
            throws IOException {
        if (command.isEmpty()) {
            return;
        }
        Run run = run(command);
        if (run.ok()) {
            return;
        }
        change.restore();
        if (run.timedOut()) {
            throw new TransientBackendException(
                    "the nginx " + what + " command did not finish within " + timeout + "; " + restored, null);
        }
        throw new JobFailure(
                code, "nginx " + what + " failed (exit " + run.exitCode() + "), " + restored + ": " + run.reason());
    }

    /** Runs a command with the timeout; its stderr (else stdout), trimmed and shortened, is the reason. */
    Run run(List<String> command) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("hostplane-nginx-", ".out");
            err = Files.createTempFile("hostplane-nginx-", ".err");
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
