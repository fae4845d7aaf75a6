package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Workers as separate processes sharing the commands through their consumer group, on real Kafka and
 * PostgreSQL: two share the work and a third joins mid-run; one is killed with SIGKILL mid-run; one is
 * stopped with SIGTERM mid-run; the worker holding two busy zones of one partition (run at the same time, each in
 * order) is killed with SIGKILL. Every time, every job reaches {@code succeeded} and each change is applied
 * exactly once in effect (one record in the backend per job, one stored outcome per job). The tests run in
 * order on one stack: the fleet each leaves is the next one's start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerFleetTest {

    private static final int ZONES = 6;
    private static final int JOBS = 300;

    private static DevStack stack;
    private static Path data;
    private static JobLoad load;
    private static final Map<String, WorkerProcess> workers = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        data = Path.of("target", "fleet-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(data, FreePorts::next), Map.of("HOSTPLANE_DEV_WORKERS", "0"))
                .start(Duration.ofSeconds(120));
        startWorker("worker-a");
        startWorker("worker-b");
        Sdk demo = Sdk.withTokenFile(stack.apiUrl(), data, "demo-token");
        load = JobLoad.withNewZones(demo, stack.r2dbcUrl(), "fleet", ZONES);
    }

    @AfterAll
    static void stop() {
        workers.values().forEach(WorkerProcess::close);
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void twoWorkersShareTheWorkAndAThirdJoinsMidRunWithoutLoss() throws Exception {
        awaitGroup(2);
        List<String> jobs = load.submit("share", JOBS, () -> startWorker("worker-c"));
        load.awaitTerminal(jobs, Duration.ofSeconds(180));
        load.assertAppliedOnce("share", jobs);
        Map<String, Integer> partitions = awaitGroup(3);
        assertThat(partitions.values()).allSatisfy(n -> assertThat(n).isPositive());
        assertThat(partitions.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(12);
    }

    @Test
    @Order(2)
    void aWorkerKilledMidRunLosesAndDoublesNothing() throws Exception {
        List<String> jobs = load.submit("killed", JOBS, () -> {
            try {
                workers.remove("worker-a").kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        load.awaitTerminal(jobs, Duration.ofSeconds(180));
        load.assertAppliedOnce("killed", jobs);
        assertThat(awaitGroup(2)).hasSize(2);
    }

    @Test
    @Order(3)
    void aWorkerStoppedMidRunFinishesWhatItHoldsAndExits() throws Exception {
        int[] exit = {-1};
        List<String> jobs = load.submit("stopped", JOBS, () -> {
            try {
                exit[0] = workers.remove("worker-b").stop(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks (Spring's graceful stop) and exited by itself.
        assertThat(exit[0]).isEqualTo(143);
        load.awaitTerminal(jobs, Duration.ofSeconds(180));
        load.assertAppliedOnce("stopped", jobs);
        assertThat(awaitGroup(1)).hasSize(1);
    }

    /**
     * Two zones of one partition are worked on at the same time (key-ordered parallel processing), so when their
     * worker dies, records of both are in flight, finished ones lie beyond unfinished ones, and the committed
     * offset is below all of them: the next owner reads them again, runs what is not finished and sends the stored
     * outcomes of the rest.
     */
    @Test
    @Order(4)
    void aWorkerKilledWithTwoZonesOfOnePartitionInFlightLosesAndDoublesNothing() throws Exception {
        startWorker("worker-d");
        awaitGroup(2);
        Sdk demo = Sdk.withTokenFile(stack.apiUrl(), data, "demo-token");
        int partition = 5;
        JobLoad onePartition = JobLoad.withNewZones(demo, stack.r2dbcUrl(), "shared", 2, partition, 12);
        String[] killed = {null};
        List<String> jobs = onePartition.submit("shared", JOBS, () -> {
            try {
                killed[0] = ownerOf(partition);
                workers.remove(killed[0]).kill();
                startWorker(killed[0] + "-again");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(killed[0]).isNotNull();
        onePartition.awaitTerminal(jobs, Duration.ofSeconds(180));
        onePartition.assertAppliedOnce("shared", jobs);
    }

    // --- helpers ---

    /** The worker (by the name it was started with) that holds {@code partition} of the commands. */
    private static String ownerOf(int partition) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            var group = admin.describeConsumerGroups(List.of(Topics.WORKER_GROUP))
                    .all()
                    .get()
                    .get(Topics.WORKER_GROUP);
            for (MemberDescription m : group.members()) {
                boolean holds = m.assignment().topicPartitions().stream()
                        .anyMatch(tp -> tp.topic().equals(Topics.COMMANDS) && tp.partition() == partition);
                String name = m.clientId().replaceAll("-commands$", "");
                if (holds && workers.containsKey(name)) {
                    return name;
                }
            }
        }
        throw new AssertionError("no worker holds partition " + partition);
    }

    private static void startWorker(String name) {
        try {
            workers.put(name, WorkerProcess.start(name, stack.kafkaBootstrapServers(), stack.r2dbcUrl(), data));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits until the workers' consumer group has {@code members} members; returns partitions per member. */
    private static Map<String, Integer> awaitGroup(int members) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            return Await.until(
                    "the workers' consumer group with " + members + " members sharing the 12 partitions",
                    Duration.ofSeconds(60),
                    () -> {
                        var group = admin.describeConsumerGroups(List.of(Topics.WORKER_GROUP))
                                .all()
                                .get()
                                .get(Topics.WORKER_GROUP);
                        Map<String, Integer> assigned = new HashMap<>();
                        for (MemberDescription m : group.members()) {
                            assigned.merge(
                                    m.clientId().replaceAll("-commands$", ""),
                                    m.assignment().topicPartitions().size(),
                                    Integer::sum);
                        }
                        return assigned;
                    },
                    assigned -> assigned.size() == members
                            && assigned.values().stream().allMatch(n -> n > 0)
                            && assigned.values().stream()
                                            .mapToInt(Integer::intValue)
                                            .sum()
                                    == 12);
        }
    }
}
