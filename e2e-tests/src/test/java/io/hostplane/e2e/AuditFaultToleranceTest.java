package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.RequestRecorded;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import io.hostplane.sdk.invoker.ApiException;
import io.hostplane.sdk.model.AuditVerification;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's faults with counts, on the whole platform with each service in its own process: the audit service
 * killed with SIGKILL while events stream in, and PostgreSQL restarted while they stream in. Each time every
 * event produced is stored exactly once, and the tenant's hash chain verifies.
 */
class AuditFaultToleranceTest {

    /** Events per fault: 2,000 in the suite; {@code bench/audit-faults.sh} runs it with 100,000. */
    private static final int EVENTS = Integer.getInteger("hostplane.audit-faults.events", 2000);

    private static DevStack stack;
    private static Sdk operator;
    private static KafkaProducer<String, String> producer;
    private static final EventCodec CODEC = new EventCodec();

    @BeforeAll
    static void start() throws Exception {
        Path data = Path.of("target", "audit-faults-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(
                        DevStack.randomPorts(data, FreePorts::next),
                        Map.of(
                                "HOSTPLANE_DEV_PROCESSES", "true",
                                "HOSTPLANE_SERVICE_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"))
                .start(Duration.ofSeconds(180));
        operator = Sdk.withTokenFile(stack.apiUrl(), data, "admin-token");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer = new KafkaProducer<>(props);
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aKilledAuditServiceLosesAndDoublesNothing() throws Exception {
        String tenant = "t_kill_" + UUID.randomUUID().toString().substring(0, 8);
        send(tenant, 0, EVENTS / 2);
        Await.until("ingestion of the first half under way", Duration.ofSeconds(60), () -> stored(tenant)[0] > 0);
        long storedAtKill = stored(tenant)[0];
        stack.killService("audit");
        send(tenant, EVENTS / 2, EVENTS);
        stack.startService("audit");

        awaitStored(tenant, EVENTS);
        long[] counts = stored(tenant);
        assertThat(counts[0]).as("rows (%d stored when killed)", storedAtKill).isEqualTo(EVENTS);
        assertThat(counts[1]).as("distinct events").isEqualTo(EVENTS);
        assertVerifies(tenant);
        report("audit service killed (SIGKILL) mid-stream", storedAtKill, counts);
    }

    @Test
    void aPostgresRestartMidIngestLosesAndDoublesNothing() throws Exception {
        String tenant = "t_pg_" + UUID.randomUUID().toString().substring(0, 8);
        send(tenant, 0, EVENTS / 2);
        stack.stopPostgres();
        send(tenant, EVENTS / 2, EVENTS); // Kafka keeps them while the store is down
        Thread.sleep(2000); // the outage itself: the audit service meets a stopped store for a while
        stack.startPostgres();

        awaitStored(tenant, EVENTS);
        long[] counts = stored(tenant);
        assertThat(counts[0]).as("rows").isEqualTo(EVENTS);
        assertThat(counts[1]).as("distinct events").isEqualTo(EVENTS);
        assertVerifies(tenant);
        report("PostgreSQL stopped and started mid-stream", -1, counts);
    }

    /**
     * A change's request record is kept in the job's own transaction, not in memory after the answer: with Kafka
     * away (so that nothing can leave the API before it dies) a job is accepted, the API is killed with SIGKILL
     * right after its {@code 202}, and once Kafka and the API are back the record is in the audit store, once, with
     * the job it created.
     */
    @Test
    void aChangesRequestRecordSurvivesTheApiKilledRightAfterThe202() throws Exception {
        Sdk demo = Sdk.withTokenFile(stack.apiUrl(), stack.settings().dataDir(), "demo-token");
        Await.until(() -> "active"
                .equals(demo.domains
                        .getDomain("example.test")
                        .getData()
                        .getStatus()
                        .getValue()));
        stack.stopKafka();
        String requestId;
        String job;
        try {
            var accepted = demo.dns.createDnsRecordWithHttpInfo(
                    "example.test",
                    new io.hostplane.sdk.model.DnsRecordInput()
                            .name("crash-" + UUID.randomUUID().toString().substring(0, 8))
                            .type(io.hostplane.sdk.model.DnsRecordInput.TypeEnum.A)
                            .content("192.0.2.77"),
                    null,
                    null);
            assertThat(accepted.getStatusCode()).isEqualTo(202);
            stack.killService("api");
            requestId = Sdk.header(accepted, "X-Request-Id");
            job = accepted.getData().getData().getId().toString();
        } finally {
            stack.startKafka();
        }
        stack.startService("api");

        String jdbc = stack.r2dbcUrl().replace("r2dbc:", "jdbc:");
        String sql = "select count(*), min(event->'data'->>'status'), min(job_id) from audit.events "
                + "where request_id = '" + requestId + "' and type = '" + EventTypes.REQUEST_RECORDED + "'";
        // A second copy would come from the API's outbox: once it is empty and the audit service has taken in every
        // record of the audit topic, nothing is left that could still arrive.
        Await.until(
                "the request record stored, the outbox empty, the audit topic taken in",
                Duration.ofSeconds(120),
                () -> {
                    try (Connection c = DriverManager.getConnection(jdbc, "hostplane", "hostplane");
                            Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery(sql)) {
                        rs.next();
                        if (rs.getLong(1) == 0) {
                            return false;
                        }
                    }
                    try (Connection c = DriverManager.getConnection(jdbc, "hostplane", "hostplane");
                            Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery("select count(*) from api.outbox")) {
                        rs.next();
                        return rs.getLong(1) == 0 && auditTopicTakenIn();
                    }
                });
        try (Connection c = DriverManager.getConnection(jdbc, "hostplane", "hostplane");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            assertThat(rs.getLong(1)).as("request records of the request").isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("202");
            assertThat(rs.getString(3)).isEqualTo(job);
        }
    }

    /** One line per fault for bench/audit-faults.sh (and anyone reading the test's output). */
    private static void report(String fault, long storedAtFault, long[] counts) {
        System.out.printf(
                "audit-faults: %s: %d events produced, %d stored when it struck, %d rows after, %d distinct,"
                        + " chain verifies%n",
                fault, EVENTS, storedAtFault, counts[0], counts[1]);
    }

    private static void send(String tenant, int from, int to) {
        for (int i = from; i < to; i++) {
            String requestId = UUID.randomUUID().toString();
            String path = "/api/v1/system/hello?n=" + i;
            var event = CODEC.event(
                    "/fault-test",
                    EventTypes.REQUEST_RECORDED,
                    path,
                    tenant,
                    requestId,
                    null,
                    null,
                    new RequestRecorded(
                            requestId, "GET", path, null, 200, "tok_1", "test", "127.0.0.1", "test", 1, null));
            producer.send(new ProducerRecord<>(Topics.AUDIT, tenant, CODEC.write(event)));
        }
        producer.flush();
    }

    /** Rows of the tenant in the audit store, and distinct event ids among them (0, 0 while it is down). */
    private static long[] stored(String tenant) {
        String jdbc = stack.r2dbcUrl().replace("r2dbc:", "jdbc:");
        try (Connection c = DriverManager.getConnection(jdbc, "hostplane", "hostplane");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*), count(distinct (source, event_id)) from audit.events"
                        + " where tenant = '" + tenant + "'")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        } catch (Exception e) {
            return new long[] {0, 0};
        }
    }

    /**
     * Until the tenant's {@code expected} rows are stored and the audit service has committed its offsets to the end
     * of the audit topic (it commits after its own transaction): a double would be a record handled again, and there
     * is none left to handle.
     */
    private static void awaitStored(String tenant, long expected) {
        // Three minutes for the suite's 2,000; a large run gets a minute more per 10,000 events.
        Await.until(
                expected + " rows of " + tenant + " stored, the audit topic taken in",
                Duration.ofSeconds(180 + 6L * expected / 1000),
                () -> stored(tenant)[0] >= expected && auditTopicTakenIn());
    }

    /** Whether the audit service's committed offsets are at the end of every partition of the audit topic. */
    private static boolean auditTopicTakenIn() throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Topics.AUDIT_GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(Topics.AUDIT))
                    .allTopicNames()
                    .get()
                    .get(Topics.AUDIT)
                    .partitions()
                    .forEach(p -> latest.put(new TopicPartition(Topics.AUDIT, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get();
            return ends.entrySet().stream()
                    .allMatch(end -> end.getValue().offset() == 0
                            || (committed.get(end.getKey()) != null
                                    && committed.get(end.getKey()).offset()
                                            >= end.getValue().offset()));
        }
    }

    private static void assertVerifies(String tenant) throws Exception {
        // Right after PostgreSQL's restart the API's reader connections may still be stale: it answers 503
        // ("retry later"), and a client retries, as it should.
        AuditVerification verified = Await.polling("the tenant's chain verified", Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsMatching(e -> e instanceof ApiException a && a.getCode() == 503)
                .until(() -> operator.audit.verifyAuditLog(tenant, null, null).getData(), v -> v != null);
        assertThat(verified.getValid()).as(verified.toString()).isTrue();
        assertThat(verified.getTenantEvents()).isEqualTo((long) EVENTS);
    }
}
