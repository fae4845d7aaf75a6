package io.hostplane.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hostplane.audit.AuditServiceTest;
import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.audit.ChainVerifier;
import io.hostplane.common.audit.Checkpoints;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The audit store as a hash chain per (topic, partition), with a real broker and a real PostgreSQL: a duplicate
 * is stored once and is no link, an unreadable record is quarantined and is a link, checkpoints are signed, the
 * service's logins cannot change rows, and a row a superuser alters breaks the chain exactly there.
 */
class AuditChainTest extends AuditServiceTest {

    @Test
    void oneChainPerPartitionWithQuarantineDedupeCheckpointsAndTamperDetection() throws Exception {
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        CloudEvent first = requestRecorded(tenant, "/a");
        CloudEvent second = requestRecorded(tenant, "/b");
        double storedBefore = ingested("stored");
        double quarantinedBefore = ingested("quarantined");
        double skippedBefore = ingested("skipped");
        RecordMetadata m1 = send(tenant, codec.write(first));
        RecordMetadata dup = send(tenant, codec.write(first));
        RecordMetadata bad = send(tenant, "{\"this is\": not an event");
        RecordMetadata m2 = send(tenant, codec.write(second));
        int partition = m1.partition();
        assertThat(List.of(dup.partition(), bad.partition(), m2.partition())).containsOnly(partition);

        awaitCount("select count(*) from audit.events where tenant = '" + tenant + "'", 2);
        awaitCount(
                "select count(*) from audit.quarantine where topic = 'hostplane.audit' and kafka_offset = "
                        + bad.offset() + " and kafka_partition = " + partition,
                1);
        // The ingest meters count the same, after the commit (so wait for them too).
        await().atMost(Duration.ofSeconds(10)).until(() -> ingested("quarantined") - quarantinedBefore >= 1);
        assertThat(ingested("stored") - storedBefore).isGreaterThanOrEqualTo(2);
        assertThat(ingested("quarantined") - quarantinedBefore).isEqualTo(1);
        assertThat(ingested("skipped") - skippedBefore).isGreaterThanOrEqualTo(1);
        try (Connection c = owner();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select kafka_offset from audit.events where tenant = '" + tenant
                        + "' order by kafka_offset")) {
            List<Long> offsets = new ArrayList<>();
            while (rs.next()) {
                offsets.add(rs.getLong(1));
            }
            // The duplicate (a producer retry) is stored once, at its first offset; it is not a link.
            assertThat(offsets).containsExactly(m1.offset(), m2.offset());
        }
        try (Connection c = owner();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select reason, convert_from(raw, 'UTF8') from audit.quarantine "
                        + "where topic = 'hostplane.audit' and kafka_partition = " + partition
                        + " and kafka_offset = " + bad.offset())) {
            rs.next();
            assertThat(rs.getString(1)).contains("not a CloudEvent");
            assertThat(rs.getString(2)).isEqualTo("{\"this is\": not an event");
        }

        Map<String, PublicKey> keys = Map.of(Checkpoints.keyId(SIGNING.getPublic()), SIGNING.getPublic());
        assertThat(walk(Topics.AUDIT, partition, keys)).isNull();
        assertThat(count("select count(*) from audit.checkpoints where topic = 'hostplane.audit' and kafka_partition = "
                        + partition))
                .isPositive();

        // The service's logins cannot change a row, whatever the triggers: privileges say no first.
        try (Connection c = DriverManager.getConnection(
                        infra.jdbcUrl(), TestInfrastructure.AUDIT_WRITER, "hostplane-audit-test");
                Statement s = c.createStatement()) {
            assertThatThrownBy(
                            () -> s.executeUpdate("update audit.events set type = 'x' where tenant = '" + tenant + "'"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit.quarantine"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("alter table audit.events disable trigger events_no_update"))
                    .hasMessageContaining("must be owner");
        }
        try (Connection c = DriverManager.getConnection(
                        infra.jdbcUrl(), TestInfrastructure.AUDIT_READER, "hostplane-audit-test");
                Statement s = c.createStatement()) {
            assertThat(count(c, "select count(*) from audit.events where tenant = '" + tenant + "'"))
                    .isEqualTo(2);
            assertThatThrownBy(() -> s.executeUpdate(
                            "insert into audit.checkpoints values " + "('x', 0, 0, '\\x00', now(), 'k', '\\x00')"))
                    .hasMessageContaining("permission denied");
        }

        // A superuser gets past both and alters the second event: verification breaks exactly there.
        try (Connection c = infra.superuserConnection();
                Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.executeUpdate("update audit.events set event = jsonb_set(event, '{subject}', '\"/tampered\"') "
                    + "where topic = 'hostplane.audit' and kafka_partition = " + partition + " and kafka_offset = "
                    + m2.offset());
        }
        ChainVerifier.Broken broken = walk(Topics.AUDIT, partition, keys);
        assertThat(broken).isNotNull();
        assertThat(broken.offset()).isEqualTo(m2.offset());
        assertThat(broken.eventId()).isEqualTo(second.id());
        assertThat(broken.reason()).contains("hash does not match");
        assertThat(broken.expected()).isNotEqualTo(broken.stored());
    }

    /** The first broken link of a whole chain, with its checkpoints, or null. */
    private ChainVerifier.Broken walk(String topic, int partition, Map<String, PublicKey> keys) throws SQLException {
        try (Connection c = owner()) {
            return ChainWalk.walk(c, topic, partition, 0, ChainLink.GENESIS, keys);
        }
    }

    private RecordMetadata send(String key, String value) throws Exception {
        return kafka.send(Topics.AUDIT, key, value).get().getRecordMetadata();
    }

    private long count(String sql) throws SQLException {
        try (Connection c = owner()) {
            return count(c, sql);
        }
    }

    @Autowired
    MeterRegistry meters;

    private double ingested(String outcome) {
        var counter =
                meters.find("hostplane.audit.ingested").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private void awaitCount(String sql, long expected) throws Exception {
        assertThat(awaitAtLeast(sql, expected)).as(sql).isEqualTo(expected);
    }
}
