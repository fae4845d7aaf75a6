package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.sdk.invoker.ApiException;
import io.hostplane.sdk.invoker.ApiResponse;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.Domain;
import io.hostplane.sdk.model.JobEnvelope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every process of a running stack (launcher, Kafka broker, PostgreSQL and its children) killed with SIGKILL in the
 * middle of a few hundred job submissions, then the launcher started again at once on the same data: it comes up
 * over whatever the crash left (a {@code postmaster.pid} whose process may be a zombie now, the broker's folder),
 * every job that got a {@code 202} succeeds, and each is applied once.
 */
class CrashRestartTest {

    static final int JOBS = 300;

    @Test
    void aStackKilledMidLoadStartsAgainAtOnceAndLosesAndDoublesNothing() throws Exception {
        Path data = Path.of("target", "crash-" + UUID.randomUUID()).toAbsolutePath();
        int offset = Launcher.freePortOffset();
        Path output = data.resolve("launcher.out");
        Map<String, String> env = Map.of("HOSTPLANE_LOG_FORMAT", "text");
        Launcher first = Launcher.start(Launcher.mainClass(data), data, offset, output, env);
        Launcher second = null;
        try {
            first.awaitReady();
            Sdk demo = Sdk.withTokenFile(first.apiUrl(), data, "demo-token");
            Await.until(() -> demo.domains.getDomain("example.test").getData().getStatus() == Domain.StatusEnum.ACTIVE);
            JobLoad load = JobLoad.withNewZones(demo, first.r2dbcUrl(), "crash", 4);

            // Each record has an idempotency key, and a client retries it until it gets its 202: through refused
            // connections while nothing runs, and 503s and 409s while the platform comes back.
            Map<Integer, String> accepted = new ConcurrentHashMap<>();
            AtomicInteger sent = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<?>> submissions = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                int n = i;
                submissions.add(clients.submit(() -> {
                    accepted.put(n, submit(load, n));
                    sent.incrementAndGet();
                    return null;
                }));
            }
            Await.polling("a third of the jobs sent", Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> sent.get() >= JOBS / 3);
            List<ProcessHandle> killed = first.killEverything();
            assertThat(killed).hasSizeGreaterThanOrEqualTo(3); // launcher, broker, postmaster at least
            second = Launcher.start(Launcher.mainClass(data), data, offset, output, env);
            second.awaitReady();
            for (Future<?> submission : submissions) {
                submission.get();
            }
            clients.shutdown();

            assertThat(second.text()).doesNotContain("start failed");
            List<String> jobs = new ArrayList<>(accepted.values());
            assertThat(jobs).hasSize(JOBS).doesNotHaveDuplicates();
            load.awaitTerminal(jobs, Duration.ofMinutes(3));
            load.assertAppliedOnce("crash", jobs);
        } finally {
            if (second != null) {
                second.stop();
            }
            if (first.process.isAlive()) {
                first.killEverything();
            }
        }
    }

    /** Sends record {@code n} until it is accepted; returns its job's id. */
    private static String submit(JobLoad load, int n) throws Exception {
        String zone = load.zones().get(n % load.zones().size());
        DnsRecordInput record = new DnsRecordInput()
                .name("crash-" + n)
                .type(DnsRecordInput.TypeEnum.A)
                .content("192.0.2." + (n % 250 + 1));
        String key = UUID.randomUUID().toString();
        // Retried with the same key on 0 (no answer: nothing listens, or the connection died with the platform),
        // 503 and 409.
        ApiResponse<JobEnvelope> response = Await.polling("record " + n + " accepted", Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e ->
                        e instanceof ApiException a && (a.getCode() == 0 || a.getCode() == 503 || a.getCode() == 409))
                .until(() -> load.client().dns.createDnsRecordWithHttpInfo(zone, record, key, null), r -> true);
        assertThat(response.getStatusCode()).isEqualTo(202);
        return response.getData().getData().getId().toString();
    }
}
