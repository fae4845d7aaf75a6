package io.hostplane.audit.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.embedded.FreePorts;
import io.hostplane.embedded.RsyslogServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A syslog stream into Debian's rsyslog (TLS input on loopback, writing a file): every event arrives at least once
 * and in order per partition, across a restart of the stream's runner (the audit service) and a restart of
 * rsyslog; the positions become durable checkpoints.
 */
class AuditStreamSyslogTest extends AuditStreamTestSupport {

    private static final Pattern LINE = Pattern.compile("^<110>1 \\S+ hostplane-test hostplane - (\\S+) "
            + "\\[hostplane@32473 id=\"([^\"]+)\" topic=\"([^\"]+)\" partition=\"(\\d+)\" offset=\"(\\d+)\""
            + " tenant=\"([^\"]+)\"\\] (\\{.*\\})$");

    /** Skips without rsyslog, except under CI, where that is a failure (.ci/run installs it). */
    static void requireRsyslog() {
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(RsyslogServer.isInstalled(), "rsyslog with rsyslog-gnutls is not installed");
        }
        assertThat(RsyslogServer.isInstalled())
                .as("CI must have rsyslog and rsyslog-gnutls (installed by .ci/run)")
                .isTrue();
    }

    @Test
    void everyEventArrivesAtLeastOnceInOrderAcrossRestartsOfTheServiceAndOfRsyslog() throws Exception {
        requireRsyslog();
        StreamCertificates certificates = new StreamCertificates();
        Path dir = Path.of("target", "rsyslog-" + UUID.randomUUID());
        Path[] files = certificates.write(dir.resolve("tls"));
        int port = FreePorts.next();
        try (RsyslogServer rsyslog = new RsyslogServer(dir, port).start(files[0], files[1], files[2])) {
            String tenant = tenant();
            UUID stream =
                    define(tenant, "syslog", null, "localhost", port, null, null, certificates.caPem(), List.of());
            StreamProperties settings = properties(Duration.ofHours(1), Duration.ofMillis(500));
            StreamRunner first = runner(settings);
            await("the runner holds the stream")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> first.running().contains(stream));
            List<String> expected = new ArrayList<>(send(tenant, 60));
            awaitArrived(rsyslog, tenant, expected);

            // The audit service restarts: events sent meanwhile are delivered by the next runner.
            stop(first);
            expected.addAll(send(tenant, 60));
            runner(settings);
            awaitArrived(rsyslog, tenant, expected);

            // rsyslog restarts on the same port: the stream reconnects and resends from its checkpoint.
            rsyslog.stop();
            expected.addAll(send(tenant, 60));
            await("the stream notices the collector is gone")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> status(stream).get("last_error") != null);
            rsyslog.start(files[0], files[1], files[2]);
            awaitArrived(rsyslog, tenant, expected);

            List<Matcher> lines = parsed(rsyslog, tenant);
            // In order per partition: the first arrival of each event follows the first arrivals before it.
            Map<String, Long> last = new HashMap<>();
            Set<String> seen = new LinkedHashSet<>();
            for (Matcher m : lines) {
                if (seen.add(m.group(2))) {
                    String chain = m.group(3) + "/" + m.group(4);
                    long offset = Long.parseLong(m.group(5));
                    assertThat(offset).as("offsets of %s in order", chain).isGreaterThan(last.getOrDefault(chain, -1L));
                    last.put(chain, offset);
                }
                assertThat(m.group(1)).isEqualTo("api.request.recorded.v1");
                assertThat(m.group(7)).contains("\"id\": \"" + m.group(2) + "\"");
            }
            assertThat(seen).containsAll(expected);
            assertThat(last.size()).as("the events spread over partitions").isGreaterThan(1);

            // Checkpoints catch up with what was written, and the status says what was delivered.
            Map<String, Long> tails = storedTails(tenant);
            await("the checkpoints reach the last events")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> {
                        Map<String, Long> positions = positions(stream);
                        return tails.entrySet().stream()
                                .allMatch(t -> positions.getOrDefault(t.getKey(), -1L) >= t.getValue());
                    });
            Map<String, Object> status = status(stream);
            assertThat((Long) status.get("delivered")).isGreaterThanOrEqualTo(expected.size());
            assertThat(status.get("last_delivery_at")).isNotNull();
            assertThat(status.get("failing_since")).isNull();
            assertThat(status.get("self_paused_at")).isNull();
            assertThat((String) status.get("last_error")).contains("localhost:" + port);
        }
    }

    private void awaitArrived(RsyslogServer rsyslog, String tenant, List<String> expected) {
        await("every event reaches rsyslog")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> parsed(rsyslog, tenant).stream()
                        .map(m -> m.group(2))
                        .toList()
                        .containsAll(expected));
    }

    private static List<Matcher> parsed(RsyslogServer rsyslog, String tenant) {
        List<Matcher> out = new ArrayList<>();
        for (String line : rsyslog.lines()) {
            Matcher m = LINE.matcher(line);
            if (m.matches() && m.group(6).equals(tenant)) {
                out.add(m);
            }
        }
        return out;
    }
}
