package io.hostplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.embedded.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CLI does without a working API: help, usage errors, no token, an unreachable API. */
@Tag("fast")
class CliUsageTest {

    @TempDir
    Path dir;

    private CliRun run(Map<String, String> env, String... args) {
        return CliRun.of(env, dir, args);
    }

    @Test
    void helpListsEveryCommandGroupAndTheExitCodes() {
        CliRun help = run(Map.of(), "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("tenants", "tokens", "users", "dns", "jobs", "audit", "Exit codes");
        CliRun sub = run(Map.of(), "dns", "set", "--help");
        assertThat(sub.code()).isZero();
        assertThat(sub.out()).contains("DOMAIN", "NAME", "TYPE", "CONTENT", "--ttl", "--no-wait", "--json");
    }

    @Test
    void malformedArgumentsAreOneLineOnStderrWithExitCode2() {
        CliRun unknown = run(Map.of(), "jobs", "get", "--bogus", "x");
        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err().lines()).hasSize(1);
        assertThat(unknown.err()).startsWith("hostplane: ").contains("--bogus").doesNotContain("Exception");

        CliRun missing = run(Map.of(), "dns", "set", "example.com", "www");
        assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err().lines()).hasSize(1);
    }

    @Test
    void noTokenAnywhereIsExitCode3() {
        CliRun run = run(Map.of("HOSTPLANE_API", "http://127.0.0.1:1"), "jobs", "list");
        assertThat(run.code()).isEqualTo(ExitCodes.AUTH);
        assertThat(run.err()).startsWith("hostplane: no token");
    }

    @Test
    void anUnreachableApiIsOneLineAndExitCode4AndTheTokenIsNeverPrinted() throws Exception {
        int closed = FreePorts.next();
        String token = "hp_secretsecretsecret";
        CliRun run =
                run(Map.of("HOSTPLANE_API", "http://127.0.0.1:" + closed, "HOSTPLANE_TOKEN", token), "jobs", "list");
        assertThat(run.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err())
                .contains("cannot reach the API")
                .doesNotContain(token)
                .doesNotContain("at io.");

        CliRun debug = run(
                Map.of("HOSTPLANE_API", "http://127.0.0.1:" + closed, "HOSTPLANE_TOKEN", token),
                "jobs",
                "list",
                "--debug");
        assertThat(debug.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(debug.err()).contains("at io.hostplane.cli").doesNotContain(token);
    }

    @Test
    void theTokenComesFromTheDataFolderWhenNothingElseNamesIt() throws Exception {
        Files.createDirectories(dir.resolve(".hostplane"));
        Files.writeString(dir.resolve(".hostplane/demo-token"), "hp_fromfile\n");
        int closed = FreePorts.next();
        // Past token resolution (no "no token" refusal): it fails on the connection instead.
        CliRun run = run(Map.of("HOSTPLANE_API", "http://127.0.0.1:" + closed), "jobs", "list");
        assertThat(run.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    }
}
