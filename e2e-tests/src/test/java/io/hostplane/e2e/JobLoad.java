package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.sdk.invoker.ApiException;
import io.hostplane.sdk.invoker.ApiResponse;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.DomainCreate;
import io.hostplane.sdk.model.JobEnvelope;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A few hundred record creations spread over some zones, sent by 8 concurrent clients, with a fault
 * injected once a third of them has succeeded; then checks that every job succeeded and was applied exactly
 * once in effect. Shared by the worker-fleet and infrastructure-fault tests.
 */
final class JobLoad {

    private final Sdk client;
    private final String jdbcUrl;
    private final List<String> zones;

    /**
     * A load for {@code zoneCount} new zones of the demo tenant (named {@code prefix}N-…), sent with a token
     * of its own whose rate limit does not get in the way; returns once the zones are active.
     */
    static JobLoad withNewZones(Sdk demo, String r2dbcUrl, String prefix, int zoneCount) throws Exception {
        return withNewZones(demo, r2dbcUrl, prefix, zoneCount, -1, 0);
    }

    /**
     * As above, with zones whose commands all go to {@code partition} of the commands topic's {@code partitions}
     * (a negative partition: any).
     */
    static JobLoad withNewZones(Sdk demo, String r2dbcUrl, String prefix, int zoneCount, int partition, int partitions)
            throws Exception {
        Sdk client = demo.withUnlimitedToken(prefix);
        String tenant = partition < 0 ? null : client.system.getMe().getData().getTenant();
        List<String> zones = new ArrayList<>();
        List<String> domainJobs = new ArrayList<>();
        for (int i = 0; i < zoneCount; i++) {
            String zone;
            do {
                zone = prefix + i + "-" + java.util.UUID.randomUUID().toString().substring(0, 6) + ".test";
            } while (partition >= 0 && partitionOf(tenant, zone, partitions) != partition);
            zones.add(zone);
            domainJobs.add(client.domains
                    .createDomain(new DomainCreate().name(zone), null, null)
                    .getData()
                    .getId()
                    .toString());
        }
        JobLoad load = new JobLoad(client, r2dbcUrl, zones);
        load.awaitTerminal(domainJobs, Duration.ofSeconds(120));
        return load;
    }

    /** The partition of the commands topic that the commands on {@code zone} of {@code tenant} go to. */
    static int partitionOf(String tenant, String zone, int partitions) {
        byte[] key = io.hostplane.common.topic.Topics.commandKey(tenant, "zone", zone)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
                % partitions;
    }

    JobLoad(Sdk client, String r2dbcUrl, List<String> zones) {
        this.client = client;
        this.jdbcUrl = r2dbcUrl.replace("r2dbc:", "jdbc:");
        this.zones = zones;
    }

    /**
     * Sends {@code count} record creations spread over the zones from 8 clients; runs {@code midway} once
     * a third of them has succeeded. Returns the job ids, all of which were accepted (202).
     */
    List<String> submit(String prefix, int count, Runnable midway) throws Exception {
        return submit(prefix, count, midway, true);
    }

    /** As above; without {@code awaitProgress} nothing waits for jobs to succeed (no worker may be running). */
    List<String> submit(String prefix, int count, Runnable midway, boolean awaitProgress) throws Exception {
        ConcurrentLinkedQueue<String> jobs = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                sent.add(pool.submit(() -> {
                    String zone = zones.get(n % zones.size());
                    DnsRecordInput record = new DnsRecordInput()
                            .name(prefix + "-" + n)
                            .type(DnsRecordInput.TypeEnum.A)
                            .content("192.0.2." + (n % 250 + 1));
                    // As a client should: a 503 (a dependency is down, nothing was written) is retried.
                    ApiResponse<JobEnvelope> response = Await.polling(
                                    "record " + n + " accepted", Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(500))
                            .ignoreExceptionsMatching(e -> e instanceof ApiException a && a.getCode() == 503)
                            .until(() -> client.dns.createDnsRecordWithHttpInfo(zone, record, null, null), r -> true);
                    assertThat(response.getStatusCode()).isEqualTo(202);
                    jobs.add(response.getData().getData().getId().toString());
                    return null;
                }));
            }
            if (awaitProgress) {
                Await.polling("a third of the jobs succeeded", Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> succeededCount(new ArrayList<>(jobs)) >= count / 3);
                midway.run();
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(jobs).hasSize(count);
        return new ArrayList<>(jobs);
    }

    /** The zones the load's records go to. */
    List<String> zones() {
        return zones;
    }

    /** The client the load sends with (a token of its own, no rate limit in the way). */
    Sdk client() {
        return client;
    }

    /** How many of {@code jobs} have succeeded now. */
    int succeededCount(List<String> jobs) throws Exception {
        return statuses(jobs).getOrDefault("succeeded", 0);
    }

    Map<String, Integer> statuses(List<String> jobs) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        if (jobs.isEmpty()) {
            return counts;
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, "hostplane", "hostplane");
                PreparedStatement s = c.prepareStatement(
                        "select status, count(*) from api.jobs where id = any(?::uuid[]) group by status")) {
            s.setArray(1, c.createArrayOf("text", jobs.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return counts;
    }

    void awaitTerminal(List<String> jobs, Duration timeout) throws Exception {
        Await.until("all " + jobs.size() + " jobs succeeded", timeout, () -> succeededCount(jobs) == jobs.size());
        assertThat(statuses(jobs)).as("job states").containsExactly(Map.entry("succeeded", jobs.size()));
    }

    /** One record in the backend per job, and one stored outcome per job: applied once in effect. */
    void assertAppliedOnce(String prefix, List<String> jobs) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, "hostplane", "hostplane")) {
            try (PreparedStatement s = c.prepareStatement(
                    "select count(*), count(distinct name) from worker.local_records where name like ?")) {
                s.setString(1, prefix + "-%");
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("records in the backend").isEqualTo(jobs.size());
                    assertThat(rs.getInt(2)).as("distinct names").isEqualTo(jobs.size());
                }
            }
            try (PreparedStatement s = c.prepareStatement(
                    "select count(*) from worker.job_outcomes where job_id = any(?::uuid[]) and status = 'succeeded'")) {
                s.setArray(1, c.createArrayOf("text", jobs.toArray()));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("stored outcomes").isEqualTo(jobs.size());
                }
            }
        }
    }
}
