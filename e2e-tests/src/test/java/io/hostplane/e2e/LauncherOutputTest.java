package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.sdk.invoker.ApiResponse;
import io.hostplane.sdk.model.AuditReplay;
import io.hostplane.sdk.model.AuditReplayTarget;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.Domain;
import io.hostplane.sdk.model.JobEnvelope;
import io.hostplane.sdk.model.JobStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./hostplane dev} as a person and as a machine see it: on a terminal (a pseudo-terminal from
 * {@code script}) short text lines, no warning during a start, a job or an audit replay, no line per request, and
 * the ready banner; with its output in a file one JSON object a line; a setting it does not know refused in one
 * line with exit code 2 before anything starts. Needs the launcher's jar (the {@code package} phase: {@code verify}).
 */
class LauncherOutputTest {

    static final Path JAR = Launcher.root().resolve("local/target/local-0.1.0-SNAPSHOT-exec.jar");
    static final JsonMapper JSON = JsonMapper.builder().build();
    static Path data;
    static int offset;

    @BeforeAll
    static void paths() {
        Assumptions.assumeTrue(
                Files.exists(JAR), "needs " + JAR + ", built in the package phase (run ./mvnw verify, not test)");
        data = Path.of("target", "launcher-" + UUID.randomUUID()).toAbsolutePath();
        offset = Launcher.freePortOffset();
    }

    @Test
    void onATerminalLinesAreShortTextWithoutWarningsAndTheBannerIsUnchanged() throws Exception {
        Path output = data.resolve("terminal.out");
        Launcher launcher = Launcher.start(
                List.of("script", "-qfec", "./hostplane dev", "/dev/null"),
                data,
                offset,
                output,
                Map.of("HOSTPLANE_DEV_NO_BUILD", "true"));
        try {
            launcher.awaitReady();
            Sdk demo = Sdk.withTokenFile(launcher.apiUrl(), data, "demo-token");
            Await.until(() -> demo.domains.getDomain("example.test").getData().getStatus() == Domain.StatusEnum.ACTIVE);
            ApiResponse<JobEnvelope> accepted = demo.dns.createDnsRecordWithHttpInfo(
                    "example.test",
                    new DnsRecordInput()
                            .name("tty")
                            .type(DnsRecordInput.TypeEnum.A)
                            .content("192.0.2.7"),
                    null,
                    null);
            UUID job = accepted.getData().getData().getId();
            Await.until(() -> demo.jobs.getJob(job, null, null, null).getData().getStatus() == JobStatus.SUCCEEDED);
            Sdk admin = Sdk.withTokenFile(launcher.apiUrl(), data, "admin-token");
            UUID replay = admin.audit
                    .createAuditReplay(
                            new AuditReplay()
                                    .target(new AuditReplayTarget()
                                            .kind(AuditReplayTarget.KindEnum.FILE)
                                            .path("tty.ndjson")),
                            null)
                    .getData()
                    .getId();
            launcher.awaitText("replay " + replay + " done");
        } finally {
            launcher.stop();
        }
        List<String> lines = launcher.text().replace("\r", "").lines().toList();
        int blank = lines.indexOf("");
        assertThat(blank).as("the banner's blank line in:\n%s", launcher.text()).isPositive();
        List<String> logs = lines.subList(0, blank);
        assertThat(logs)
                .isNotEmpty()
                .allSatisfy(
                        line -> assertThat(line)
                                .matches(
                                        "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO |DEBUG) (api|worker|audit|dev|kafka|spring|\\w+) +\\S.*"));
        assertBanner(lines.subList(blank, blank + 9));
        List<String> after = lines.subList(blank + 9, lines.size());
        assertThat(after.stream().filter(l -> !l.equals("Stopping Hostplane…")))
                .allSatisfy(line -> assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO |DEBUG) .*"));
        assertThat(lines).noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR "));
        assertThat(lines).noneMatch(l -> l.contains("GET /api/v1/"));
        assertThat(after).anyMatch(l -> l.contains(" api ") && l.contains("[request "));
        assertThat(after).anyMatch(l -> l.matches(".* audit +replay \\S+ into .* starting.*"));
        assertThat(after).anyMatch(l -> l.matches(".* audit +replay \\S+ done: \\d+ records read, \\d+ written.*"));
    }

    @Test
    void withItsOutputInAFileLinesAreJsonAndTheBannerIsUnchanged() throws Exception {
        Path output = data.resolve("file.out");
        Launcher launcher = Launcher.start(
                List.of("./hostplane", "dev"), data, offset, output, Map.of("HOSTPLANE_DEV_NO_BUILD", "true"));
        try {
            launcher.awaitReady();
            Sdk demo = Sdk.withTokenFile(launcher.apiUrl(), data, "demo-token");
            demo.system.hello();
        } finally {
            launcher.stop();
        }
        List<String> lines = launcher.text().lines().toList();
        int blank = lines.indexOf("");
        assertThat(blank).as("the banner's blank line in:\n%s", launcher.text()).isPositive();
        assertBanner(lines.subList(blank, blank + 9));
        List<String> logs = new java.util.ArrayList<>(lines.subList(0, blank));
        logs.addAll(lines.subList(blank + 9, lines.size()));
        logs.remove("Stopping Hostplane…");
        assertThat(logs).isNotEmpty().allSatisfy(line -> {
            JsonNode record = JSON.readTree(line);
            assertThat(record.path("level").asString()).isIn("INFO", "DEBUG");
            assertThat(record.path("message").asString()).isNotEmpty().doesNotContain("GET /api/v1/");
        });
    }

    @Test
    void anUnknownSettingIsRefusedInOneLineWithExitCode2BeforeAnythingStarts() throws Exception {
        Path fresh = Path.of("target", "refused-" + UUID.randomUUID()).toAbsolutePath();
        for (var refused : Map.of(
                        "HOSTPLANE_LOG_FORMAT", "yaml: text, json, logstash, ecs, gelf",
                        "HOSTPLANE_ACCESS_LOG", "yaml: on, off")
                .entrySet()) {
            ProcessBuilder builder = new ProcessBuilder("./hostplane", "dev")
                    .directory(Launcher.root().toFile())
                    .redirectErrorStream(true);
            builder.environment().put("HOSTPLANE_DATA_DIR", fresh.toString());
            builder.environment().put(refused.getKey(), "yaml");
            Process p = builder.start();
            String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            String[] accepted = refused.getValue().split(": ");
            assertThat(said).isEqualTo("hostplane: " + refused.getKey() + "=yaml is not one of " + accepted[1] + "\n");
            assertThat(fresh).doesNotExist();
        }
    }

    private static void assertBanner(List<String> banner) {
        String url = "http://127.0.0.1:" + (8080 + offset);
        assertThat(banner.subList(0, 8))
                .containsExactly(
                        "",
                        "  API            " + url + "/api/v1   (docs: " + url + "/docs)",
                        "  Kafka          127.0.0.1:" + (19092 + offset),
                        "  PostgreSQL     r2dbc:postgresql://127.0.0.1:" + (15432 + offset) + "/hostplane",
                        "  Demo token     " + data.resolve("demo-token") + "   (tenant demo, scope *)",
                        "  Admin token    " + data.resolve("admin-token") + "   (platform operator)",
                        "  Try            curl -s -H \"Authorization: Bearer $(cat " + data.resolve("demo-token")
                                + ")\" " + url + "/api/v1/system/hello",
                        "");
        assertThat(banner.get(8)).matches("Hostplane is ready \\(\\d+\\.\\d s\\)\\. Press Ctrl-C to stop\\.");
    }
}
