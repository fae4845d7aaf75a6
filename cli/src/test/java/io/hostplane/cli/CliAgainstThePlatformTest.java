package io.hostplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The CLI against the whole platform (real Kafka, PostgreSQL, API, worker and audit service). */
class CliAgainstThePlatformTest {

    private static DevStack stack;
    private static Path data;
    private static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        data = Path.of("target", "cli-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(data, FreePorts::next), Map.of()).start(Duration.ofSeconds(120));
        env = Map.of(
                "HOSTPLANE_API",
                stack.apiUrl(),
                "HOSTPLANE_TOKEN",
                Files.readString(data.resolve("demo-token")).trim());
        // The demo domain is created by a job at first start: follow it to its end.
        CliRun jobs = cli("jobs", "list", "--type", "domain.create", "--json");
        assertThat(jobs.code()).isZero();
        String job =
                Api.JSON.readTree(jobs.out()).path("items").get(0).path("id").asString();
        assertThat(cli("jobs", "watch", job, "--timeout", "PT90S").code()).isZero();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static CliRun cli(String... args) {
        return CliRun.of(env, data, args);
    }

    private static CliRun cli(Map<String, String> environment, String... args) {
        return CliRun.of(environment, data, args);
    }

    @Test
    void setReplaceAndDeleteARecordFollowingEachJobToItsEnd() throws Exception {
        CliRun created = cli("dns", "set", "example.test", "cli", "A", "192.0.2.77", "--ttl", "300");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("succeeded", "dns.record.create");
        assertThat(created.err()).contains("job "); // the progress line

        CliRun replaced = cli("dns", "set", "example.test", "cli", "A", "192.0.2.78", "--ttl", "300");
        assertThat(replaced.code()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("dns.record.replace");

        CliRun list = cli("dns", "list", "example.test", "--name", "cli", "--json");
        JsonNode items = Api.JSON.readTree(list.out()).path("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).path("content").asString()).isEqualTo("192.0.2.78");
        CliRun table = cli("dns", "list", "example.test", "--name", "cli");
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("ID", "NAME", "TYPE", "CONTENT");
        assertThat(table.out()).contains("192.0.2.78");

        CliRun deleted =
                cli("dns", "delete", "example.test", items.get(0).path("id").asString());
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(Api.JSON
                        .readTree(cli("dns", "list", "example.test", "--name", "cli", "--json")
                                .out())
                        .path("items"))
                .isEmpty();

        // The change went through the API like any client's: the audit log has its command.
        String jobId =
                cli("jobs", "list", "--type", "dns.record.create", "--json").out();
        String id = Api.JSON.readTree(jobId).path("items").get(0).path("id").asString();
        List<String> types = await("the job's command in the audit log")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> {
                            List<String> found = new ArrayList<>();
                            Api.JSON
                                    .readTree(cli("audit", "query", "--job-id", id, "--json")
                                            .out())
                                    .path("items")
                                    .forEach(e -> found.add(e.path("type").asString()));
                            return found;
                        },
                        found -> found.contains("io.hostplane.command.dns.record.create.v1"));
        assertThat(types).contains("io.hostplane.command.dns.record.create.v1", "io.hostplane.job.succeeded.v1");

        CliRun export = cli("audit", "export", "--job-id", id);
        assertThat(export.code()).as(export.err()).isZero();
        List<String> lines = export.out().lines().toList();
        assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
        for (String line : lines) {
            assertThat(Api.JSON.readTree(line).path("jobid").asString()).isEqualTo(id);
        }

        CliRun verify = cli("audit", "verify", "--json");
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
        assertThat(Api.JSON.readTree(verify.out()).path("valid").asBoolean()).isTrue();

        // The same job's events with their proof, checked offline against the stack's verify key: no API, no token.
        Path proof = data.resolve("proof-" + id + ".ndjson");
        CliRun proven = cli("audit", "export", "--job-id", id, "--proof", "--output", proof.toString());
        assertThat(proven.code()).as(proven.err()).isZero();
        CliRun offline = CliRun.of(
                Map.of(),
                data,
                "audit",
                "verify",
                "--file",
                proof.toString(),
                "--key",
                data.resolve("audit-verify-key").toString(),
                "--json");
        assertThat(offline.code()).as(offline.out() + offline.err()).isZero();
        // At least the events of the plain export above (a job's late facts may have been stored in between).
        assertThat(Api.JSON.readTree(offline.out()).path("events").asInt()).isGreaterThanOrEqualTo(lines.size());
        // The plain export is not a proof export: exit 2.
        Path plain = data.resolve("plain-" + id + ".ndjson");
        Files.writeString(plain, export.out());
        assertThat(cli(
                                "audit",
                                "verify",
                                "--file",
                                plain.toString(),
                                "--key",
                                data.resolve("audit-verify-key").toString())
                        .code())
                .isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void theOperatorReplaysATenantsEventsIntoAFileAndATenantMayNotRebuildTheStore() throws Exception {
        String admin = data.resolve("admin-token").toString();
        String demoTenant = Api.JSON
                .readTree(cli("tokens", "list", "--json").out())
                .path("items")
                .get(0)
                .path("tenant")
                .asString();
        String file = "cli-" + UUID.randomUUID().toString().substring(0, 8) + ".ndjson";
        CliRun replay = cli(
                "audit",
                "replay",
                "--tenant",
                demoTenant,
                "--topic",
                "hostplane.audit",
                "--to-file",
                file,
                "--timeout",
                "PT2M",
                "--token-file",
                admin,
                "--json");
        assertThat(replay.code()).as(replay.out() + replay.err()).isZero();
        JsonNode job = Api.JSON.readTree(replay.out());
        assertThat(job.path("status").asString()).isEqualTo("succeeded");
        List<String> lines = Files.readAllLines(data.resolve("replays").resolve(file));
        assertThat(lines).isNotEmpty();
        assertThat((long) lines.size())
                .isEqualTo(job.path("result").path("records_written").asLong());
        for (String line : lines) {
            JsonNode event = Api.JSON.readTree(line);
            assertThat(event.path("tenant").asString()).isEqualTo(demoTenant);
            // Ids and hints (hp_ and four characters) only, never a token.
            assertThat(line).doesNotContainPattern("hp_[0-9A-Za-z]{20,}");
        }

        CliRun store = cli("audit", "replay", "--to-store");
        assertThat(store.code()).isEqualTo(ExitCodes.AUTH);
        assertThat(store.err()).contains("HTTP 403");
        CliRun malformed = cli("audit", "replay", "--offsets", "hostplane.audit:x:1", "--to-file", "x.ndjson");
        assertThat(malformed.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(malformed.err().lines()).hasSize(1);
    }

    @Test
    void auditStreamsAreListedAndASinkAtAnInternalAddressIsRefusedWithTheReason() throws Exception {
        CliRun list = cli("audit", "streams", "list", "--json");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(Api.JSON.readTree(list.out()).path("items").isArray()).isTrue();

        // The local stack allows no internal sink address: the API's reason, exit code 1.
        CliRun refused = cli("audit", "streams", "create", "--kind", "syslog", "--host", "127.0.0.1", "--port", "6514");
        assertThat(refused.code()).as(refused.err()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("HTTP 400").contains("internal address");

        CliRun unreadable = cli(
                "audit",
                "streams",
                "create",
                "--kind",
                "http",
                "--url",
                "https://siem.example/",
                "--sink-token-file",
                data.resolve("no-such-token-file").toString());
        assertThat(unreadable.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unreadable.err()).contains("no-such-token-file");
    }

    @Test
    void aWebhookSubscriptionIsCreatedListedShownDisabledTestedAndDeleted() throws Exception {
        // The local stack allows no internal address: a loopback URL is refused with the API's reason.
        CliRun internal = cli("webhooks", "create", "--url", "http://127.0.0.1:1/hook", "--event", "job.failed");
        assertThat(internal.code()).as(internal.err()).isEqualTo(ExitCodes.REFUSED);
        assertThat(internal.err()).contains("HTTP 400").contains("url");

        // A documentation address (public by the API's check, reached by nobody); no event of these types
        // happens while the test runs, and the subscription is disabled before its test event.
        String url = "https://203.0.113.10/hooks/cli";
        CliRun created = cli(
                "webhooks",
                "create",
                "--url",
                url,
                "--event",
                "job.failed:backup.create",
                "--event",
                "token.expiring",
                "--description",
                "from the cli",
                "--json");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.err()).contains("shown this once");
        JsonNode webhook = Api.JSON.readTree(created.out());
        String id = webhook.path("id").asString();
        assertThat(webhook.path("secret").asString()).isNotBlank();
        assertThat(webhook.path("status").asString()).isEqualTo("enabled");
        assertThat(webhook.path("events").toString()).contains("job.failed:backup.create", "token.expiring");

        CliRun list = cli("webhooks", "list", "--limit", "200");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow())
                .contains("ID", "STATUS", "EVENTS", "URL", "DESCRIPTION");
        assertThat(list.out()).contains(id, url, "from the cli");

        CliRun show = cli("webhooks", "show", id);
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out())
                .contains(id, url, "enabled", webhook.path("secret_id").asString());
        assertThat(show.out()).doesNotContain(webhook.path("secret").asString());

        CliRun disabled = cli("webhooks", "update", id, "--disable", "--description", "paused", "--json");
        assertThat(disabled.code()).as(disabled.err()).isZero();
        JsonNode changed = Api.JSON.readTree(disabled.out());
        assertThat(changed.path("status").asString()).isEqualTo("disabled");
        assertThat(changed.path("description").asString()).isEqualTo("paused");
        assertThat(changed.path("url").asString()).isEqualTo(url); // only the members given change

        // A test event on a disabled subscription waits as a pending delivery.
        CliRun test = cli("webhooks", "test", id, "--json");
        assertThat(test.code()).as(test.err()).isZero();
        String delivery = Api.JSON.readTree(test.out()).path("id").asString();
        CliRun deliveries = cli("webhooks", "deliveries", id);
        assertThat(deliveries.code()).as(deliveries.err()).isZero();
        assertThat(deliveries.out().lines().findFirst().orElseThrow())
                .contains("ID", "EVENT TYPE", "STATE", "ATTEMPTS", "CREATED", "LAST STATUS");
        assertThat(deliveries.out()).contains(delivery, "webhook.test", "pending");
        CliRun badState = cli("webhooks", "deliveries", id, "--state", "lost");
        assertThat(badState.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(badState.err()).contains("HTTP 400");
        CliRun redeliver = cli("webhooks", "redeliver", id, delivery);
        assertThat(redeliver.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(redeliver.err()).contains("disabled", "HTTP 409");

        CliRun rotated = cli("webhooks", "rotate-secret", id);
        assertThat(rotated.code()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("secret id", "previous valid until");
        assertThat(rotated.err()).contains("shown this once");

        CliRun deleted = cli("webhooks", "delete", id);
        assertThat(deleted.code()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted " + id);
        CliRun gone = cli("webhooks", "show", id);
        assertThat(gone.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(gone.err()).contains("HTTP 404");
    }

    @Test
    void refusalsCarryTheApiMessageAndTheirExitCodes() {
        CliRun invalid = cli("dns", "set", "example.test", "bad", "A", "not-an-address");
        assertThat(invalid.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(invalid.err().lines()).hasSize(1);
        assertThat(invalid.err()).contains("content").contains("HTTP 400");

        Map<String, String> wrong = new HashMap<>(env);
        wrong.put("HOSTPLANE_TOKEN", "hp_notarealtoken");
        CliRun unauthenticated = cli(wrong, "jobs", "list");
        assertThat(unauthenticated.code()).isEqualTo(ExitCodes.AUTH);
        assertThat(unauthenticated.err()).contains("HTTP 401").doesNotContain("hp_notarealtoken");

        CliRun notOperator = cli("tenants", "list");
        assertThat(notOperator.code()).isEqualTo(ExitCodes.AUTH);
        assertThat(notOperator.err()).contains("HTTP 403");

        CliRun unknownJob = cli("jobs", "get", UUID.randomUUID().toString());
        assertThat(unknownJob.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unknownJob.err()).contains("HTTP 404");
    }

    @Test
    void operatorsLimitTenantsAndATokenSeesItsWindows() throws Exception {
        String admin = data.resolve("admin-token").toString();
        String name = "lim-" + UUID.randomUUID().toString().substring(0, 6);
        CliRun tenant = cli("tenants", "create", name, "--token-file", admin, "--json");
        assertThat(tenant.code()).as(tenant.err()).isZero();
        String tenantId = Api.JSON.readTree(tenant.out()).path("id").asString();

        CliRun limited = cli(
                "tenants",
                "limits",
                tenantId,
                "--tenant-rate-limit",
                "5000",
                "--active-jobs",
                "20",
                "--token-file",
                admin,
                "--json");
        assertThat(limited.code()).as(limited.err()).isZero();
        JsonNode limits = Api.JSON.readTree(limited.out()).path("limits");
        assertThat(limits.path("tenant_rate_limit").path("limit").asInt()).isEqualTo(5000);
        assertThat(limits.path("tenant_rate_limit").path("period_seconds").asInt())
                .isEqualTo(60);
        assertThat(limits.path("active_jobs").asInt()).isEqualTo(20);
        assertThat(cli("tenants", "show", tenantId, "--token-file", admin).out())
                .contains("5000 per 60 s")
                .contains("6000 per 60 s");
        CliRun refused = cli("tenants", "limits", tenantId, "--active-jobs", "0", "--token-file", admin);
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("limits.active_jobs");
        assertThat(cli("tenants", "show", tenantId, "--token-file", admin).out())
                .contains("20");

        // The demo token sees its windows, and cannot mint a token above its own limit.
        CliRun windows = cli("tokens", "rate-limit");
        assertThat(windows.code()).as(windows.err()).isZero();
        assertThat(windows.out()).contains("of 120 per 60 s left");
        CliRun above = cli("tokens", "create", "--scope", "dns.read", "--rate-limit", "1000");
        assertThat(above.code()).isEqualTo(ExitCodes.AUTH);
        assertThat(above.err()).contains("rate_limit");
    }

    @Test
    void operatorsCreateTenantsTokensAndUsers() throws Exception {
        String admin = data.resolve("admin-token").toString();
        String name = "acme-" + UUID.randomUUID().toString().substring(0, 6);
        CliRun tenant = cli("tenants", "create", name, "--token-file", admin, "--json");
        assertThat(tenant.code()).as(tenant.err()).isZero();
        String tenantId = Api.JSON.readTree(tenant.out()).path("id").asString();
        assertThat(cli("tenants", "list", "--token-file", admin, "--limit", "200")
                        .out())
                .contains(name);

        CliRun token = cli(
                "tokens",
                "create",
                "--tenant",
                tenantId,
                "--scope",
                "dns.read",
                "--scope",
                "jobs.read",
                "--description",
                "from the cli",
                "--token-file",
                admin,
                "--json");
        assertThat(token.code()).as(token.err()).isZero();
        JsonNode issued = Api.JSON.readTree(token.out());
        assertThat(issued.path("token").asString()).startsWith("hp_");
        assertThat(issued.path("tenant").asString()).isEqualTo(tenantId);

        Map<String, String> asTenant = new HashMap<>(env);
        asTenant.put("HOSTPLANE_TOKEN", issued.path("token").asString());
        CliRun listed = cli(asTenant, "tokens", "list");
        assertThat(listed.code()).isEqualTo(ExitCodes.AUTH); // dns.read and jobs.read only: no tokens.read

        CliRun rotated = cli("tokens", "rotate", issued.path("id").asString(), "--token-file", admin, "--json");
        assertThat(rotated.code()).as(rotated.err()).isZero();
        assertThat(Api.JSON.readTree(rotated.out()).path("token").asString())
                .startsWith("hp_")
                .isNotEqualTo(issued.path("token").asString());
        CliRun revoked = cli("tokens", "revoke", issued.path("id").asString(), "--token-file", admin);
        assertThat(revoked.code()).as(revoked.err()).isZero();

        Path password = data.resolve("password.txt");
        Files.writeString(password, "correct horse battery staple\n");
        CliRun user = cli(
                "users",
                "create",
                "alice-" + name,
                "--password-file",
                password.toString(),
                "--tenant",
                tenantId,
                "--token-file",
                admin,
                "--json");
        assertThat(user.code()).as(user.err()).isZero();
        assertThat(Api.JSON.readTree(user.out()).path("tenant").asString()).isEqualTo(tenantId);
    }
}
