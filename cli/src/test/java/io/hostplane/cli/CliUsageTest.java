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
    void helpListsTheWebhooksGroupAndItsSubcommands() {
        assertThat(run(Map.of(), "--help").out()).contains("webhooks");
        CliRun group = run(Map.of(), "webhooks", "--help");
        assertThat(group.code()).isZero();
        assertThat(group.out())
                .contains(
                        "list",
                        "create",
                        "show",
                        "update",
                        "delete",
                        "rotate-secret",
                        "test",
                        "deliveries",
                        "redeliver");
        CliRun create = run(Map.of(), "webhooks", "create", "--help");
        assertThat(create.code()).isZero();
        assertThat(create.out()).contains("--url=URL", "--event=TYPE", "--description=TEXT", "token.revoked");
        CliRun update = run(Map.of(), "webhooks", "update", "--help");
        assertThat(update.out()).contains("WEBHOOK_ID", "--enable", "--disable", "--event");
        CliRun deliveries = run(Map.of(), "webhooks", "deliveries", "--help");
        assertThat(deliveries.out()).contains("--state", "--limit", "--cursor");
        assertThat(run(Map.of(), "webhooks", "redeliver", "--help").out()).contains("WEBHOOK_ID", "DELIVERY_ID");
    }

    @Test
    void webhookUsageErrorsNeedNoApi() {
        CliRun noUrl = run(Map.of(), "webhooks", "create", "--event", "job.failed");
        assertThat(noUrl.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noUrl.err().lines()).hasSize(1);
        assertThat(noUrl.err()).contains("--url");

        CliRun both = run(Map.of(), "webhooks", "update", "some-id", "--enable", "--disable");
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err().lines()).hasSize(1);

        CliRun nothing = run(Map.of(), "webhooks", "update", "some-id");
        assertThat(nothing.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(nothing.err()).startsWith("hostplane: nothing to change");

        CliRun twoArguments = run(Map.of(), "webhooks", "redeliver", "some-id");
        assertThat(twoArguments.code()).isEqualTo(ExitCodes.USAGE);
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
