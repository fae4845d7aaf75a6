package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import io.hostplane.sdk.invoker.ApiException;
import io.hostplane.sdk.model.AccountCreate;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.DomainCreate;
import io.hostplane.sdk.model.JobStatus;
import io.hostplane.sdk.model.RateLimit;
import io.hostplane.sdk.model.TokenCreate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One tenant's burst does not hold up another tenant's single jobs: they are done while the burst still has most
 * of its jobs ahead, on a zone of another partition and on a zone of the burst's own partition alike. Commands are
 * ordered per zone (key), and the worker runs different zones of one partition at the same time (see docs/jobs.md,
 * "Fairness"; the latency is measured in bench/).
 */
class FairnessTest {

    private static final int BURST = 400;
    private static final int PARTITIONS = 12;

    private static DevStack stack;
    private static Sdk busy;
    private static Sdk quiet;
    private static String busyTenant;
    private static String quietTenant;
    private static String busyZone;
    private static String quietZone;
    private static String sameZone;
    private static JobLoad busyLoad;
    private static Path data;
    private static WorkerProcess worker;

    @BeforeAll
    static void start() throws Exception {
        data = Path.of("target", "fairness-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(data, FreePorts::next), Map.of("HOSTPLANE_DEV_WORKERS", "0"))
                .start(Duration.ofSeconds(120));
        worker = WorkerProcess.start("worker-1", stack.kafkaBootstrapServers(), stack.r2dbcUrl(), data);
        Sdk admin = Sdk.withTokenFile(stack.apiUrl(), data, "admin-token");
        busyTenant = account(admin, "busy");
        quietTenant = account(admin, "quiet");
        busy = new Sdk(stack.apiUrl(), token(admin, busyTenant));
        quiet = new Sdk(stack.apiUrl(), token(admin, quietTenant));
        busyZone = "busy-" + UUID.randomUUID().toString().substring(0, 6) + ".test";
        // One of the quiet tenant's zones is on another partition than the busy one's, the other on the same.
        do {
            quietZone = "quiet-" + UUID.randomUUID().toString().substring(0, 6) + ".test";
        } while (partition(quietTenant, quietZone) == partition(busyTenant, busyZone));
        do {
            sameZone = "same-" + UUID.randomUUID().toString().substring(0, 6) + ".test";
        } while (partition(quietTenant, sameZone) != partition(busyTenant, busyZone));
        busyLoad = new JobLoad(busy, stack.r2dbcUrl(), List.of(busyZone));
        busyLoad.awaitTerminal(
                List.of(domain(busy, busyZone), domain(quiet, quietZone), domain(quiet, sameZone)),
                Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anotherTenantsJobIsDoneWhileABurstIsStillQueued() throws Exception {
        // The burst and then the single jobs are queued while no worker runs, so that the burst is a real
        // backlog ahead of the single jobs; then a worker starts and faces them all.
        worker.stop(Duration.ofSeconds(30));
        List<String> burst = busyLoad.submit("burst", BURST, () -> {}, false);
        UUID elsewhere = single(quietZone);
        UUID beside = single(sameZone);
        worker = WorkerProcess.start("worker-2", stack.kafkaBootstrapServers(), stack.r2dbcUrl(), data);
        awaitSucceeded(elsewhere);
        awaitSucceeded(beside);
        int stillActive = BURST - busyLoad.succeededCount(burst);
        assertThat(stillActive)
                .as("burst jobs not yet done when the other tenant's jobs were")
                .isGreaterThan(BURST / 2);
        busyLoad.awaitTerminal(burst, Duration.ofSeconds(120));
    }

    private static UUID single(String zone) throws ApiException {
        return quiet.dns
                .createDnsRecord(
                        zone,
                        new DnsRecordInput()
                                .name("single")
                                .type(DnsRecordInput.TypeEnum.A)
                                .content("192.0.2.7"),
                        null,
                        null)
                .getData()
                .getId();
    }

    private static void awaitSucceeded(UUID job) throws ApiException {
        // ?wait=…&until=terminal returns as soon as the job has ended.
        JobStatus status = JobStatus.QUEUED;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (status != JobStatus.SUCCEEDED && System.nanoTime() < deadline) {
            status = quiet.jobs.getJob(job, "10s", "terminal", null).getData().getStatus();
        }
        assertThat(status).isEqualTo(JobStatus.SUCCEEDED);
    }

    private static int partition(String tenant, String zone) {
        byte[] key = Topics.commandKey(tenant, "zone", zone).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
    }

    private static String account(Sdk admin, String name) throws ApiException {
        return admin.accounts
                .createAccount(new AccountCreate()
                        .name(name + "-" + UUID.randomUUID().toString().substring(0, 6)))
                .getData()
                .getId();
    }

    private static String token(Sdk admin, String tenant) throws ApiException {
        return admin.tokens
                .createToken(new TokenCreate()
                        .tenant(tenant)
                        .scopes(List.of("*"))
                        .rateLimit(new RateLimit().limit(100_000).periodSeconds(60)))
                .getData()
                .getToken();
    }

    private static String domain(Sdk client, String zone) throws ApiException {
        return client.domains
                .createDomain(new DomainCreate().name(zone), null, null)
                .getData()
                .getId()
                .toString();
    }
}
