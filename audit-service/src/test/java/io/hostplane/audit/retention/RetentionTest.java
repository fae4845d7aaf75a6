package io.hostplane.audit.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.audit.AuditServiceTest;
import io.hostplane.audit.ingest.AuditIngestor;
import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.audit.ChainVerifier;
import io.hostplane.common.audit.Checkpoints;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Retention on the real PostgreSQL and broker: partitions exist ahead of time and rows land in the partition of
 * the time they were stored; the writer login can create a missing partition (through the owner's function) but
 * not drop, detach or truncate one; expiry drops whole partitions (the append-only triggers stay on, so no row
 * could have been deleted), records each drop, and verification then starts from the next signed checkpoint and
 * still finds a row a superuser altered after it; each event is stored once across partitions.
 *
 * <p>Rows in the past are written here as the owner with their chain's hashes and signed checkpoints, as the
 * ingestor would have written them then (the ingestor always stores at now()).
 */
class RetentionTest extends AuditServiceTest {

    @Autowired
    PartitionMaintenance maintenance;

    @Autowired
    AuditIngestor ingestor;

    private final Map<String, PublicKey> keys = Map.of(Checkpoints.keyId(SIGNING.getPublic()), SIGNING.getPublic());

    @Test
    void partitionsExistAheadAndRowsLandInThePartitionOfTheirTime() throws Exception {
        Instant now = Instant.now();
        try (Connection c = owner()) {
            for (String parent : List.of("events", "quarantine")) {
                assertThat(partitionAt(c, parent, now)).as(parent + " now").isNotNull();
                // Default: monthly partitions, two ahead.
                assertThat(partitionAt(
                                c,
                                parent,
                                now.atOffset(ZoneOffset.UTC).plusMonths(2).toInstant()))
                        .as(parent + " two months ahead")
                        .isNotNull();
            }
        }
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        CloudEvent event = requestRecorded(tenant, "/p");
        kafka.send(Topics.AUDIT, tenant, codec.write(event)).get();
        awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 1);
        try (Connection c = owner();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select tableoid::regclass::text, stored_at from audit.events "
                        + "where tenant = '" + tenant + "'")) {
            rs.next();
            Instant storedAt = rs.getTimestamp(2).toInstant();
            assertThat(rs.getString(1)).isEqualTo("audit." + partitionAt(c, "events", storedAt));
            assertThat(count(
                            c,
                            "select count(*) from audit.event_ids where event_id = '" + event.id() + "' and source = '"
                                    + event.source() + "'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void theWriterCreatesAMissingPartitionThroughTheOwnersFunctionButCannotDropDetachOrTruncate() throws Exception {
        Instant far = Instant.parse("2031-06-15T12:00:00Z");
        try (Connection w = writer();
                Statement s = w.createStatement()) {
            s.execute("select audit.ensure_partitions('2031-06-15T12:00:00Z')");
            String part;
            try (Connection c = owner()) {
                part = partitionAt(c, "events", far);
                assertThat(part).isEqualTo("events_p20310615");
                assertThat(partitionAt(c, "quarantine", far)).isEqualTo("quarantine_p20310615");
                assertThat(count(
                                c,
                                "select count(*) from pg_tables where schemaname = 'audit' and tablename = '" + part
                                        + "' and tableowner = '" + infra.user() + "'"))
                        .isEqualTo(1);
            }
            assertThatThrownBy(() -> s.execute("alter table audit.events detach partition audit." + part))
                    .hasMessageContaining("must be owner");
            assertThatThrownBy(() -> s.execute("drop table audit." + part)).hasMessageContaining("must be owner");
            assertThatThrownBy(() -> s.execute("truncate audit." + part)).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("delete from audit.event_ids"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("insert into audit.expirations (parent, partition_name, from_at, to_at, "
                            + "links) values ('events', 'x', now(), now(), 0)"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("select audit.ensure_partition('events', now(), 'day')"))
                    .hasMessageContaining("permission denied");
        }
        // The owner may not truncate a partition either: the truncate trigger is on every partition.
        try (Connection c = owner();
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("truncate audit.events_p20310615"))
                    .hasMessageContaining("append-only");
            s.execute("drop table audit.events_p20310615");
            s.execute("drop table audit.quarantine_p20310615");
        }
    }

    @Test
    void expiryDropsWholePartitionsAndVerificationStartsAtTheNextSignedCheckpoint() throws Exception {
        String topic = "test.retention." + UUID.randomUUID().toString().substring(0, 8);
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        Instant dayOne = Instant.parse("2001-01-10T08:00:00Z");
        Instant dayTwo = Instant.parse("2001-01-11T08:00:00Z");
        Instant dayThree = Instant.parse("2001-01-12T08:00:00Z");
        // Offsets 0-9 stored on day one (5 is an unreadable record), 10-19 on day two, 20-29 on day three; a
        // checkpoint at every fourth offset.
        List<Long> ids;
        try (Connection c = owner()) {
            Chain chain = new Chain(c, topic, tenant);
            for (long o = 0; o < 10; o++) {
                if (o == 5) {
                    chain.quarantine(o, dayOne);
                } else {
                    chain.event(o, dayOne);
                }
            }
            for (long o = 10; o < 20; o++) {
                chain.event(o, dayTwo);
            }
            for (long o = 20; o < 30; o++) {
                chain.event(o, dayThree);
            }
            ids = chain.seqs;
            assertThat(ChainWalkAfterExpiry.walk(c, topic, 0, keys).broken()).isNull();
        }
        String dayOneEvents = "events_p20010110";
        long keptBefore;
        List<String> keptHashes;
        try (Connection c = owner()) {
            assertThat(partitionAt(c, "events", dayOne)).isEqualTo(dayOneEvents);
            assertThat(partitionAt(c, "quarantine", dayOne)).isEqualTo("quarantine_p20010110");
            assertThat(partitionAt(c, "events", dayTwo)).isEqualTo("events_p20010111");
            keptBefore =
                    count(c, "select count(*) from audit.events where kafka_offset >= 10 and topic = '" + topic + "'");
            keptHashes = hashes(c, topic);
        }

        List<PartitionMaintenance.Dropped> dropped = maintenance.expire(Instant.parse("2001-01-11T00:00:00Z"));

        assertThat(dropped)
                .extracting(PartitionMaintenance.Dropped::name)
                .containsExactlyInAnyOrder(dayOneEvents, "quarantine_p20010110");
        assertThat(dropped).extracting(PartitionMaintenance.Dropped::links).containsExactlyInAnyOrder(9L, 1L);
        try (Connection c = owner()) {
            // The partitions are gone as tables, the other partitions' rows are untouched.
            assertThat(count(
                            c,
                            "select count(*) from pg_class where relname in ('" + dayOneEvents
                                    + "', 'quarantine_p20010110')"))
                    .isZero();
            assertThat(count(c, "select count(*) from audit.events where topic = '" + topic + "'"))
                    .isEqualTo(keptBefore)
                    .isEqualTo(20);
            assertThat(hashes(c, topic)).isEqualTo(keptHashes);
            assertThat(count(c, "select count(*) from audit.quarantine where topic = '" + topic + "'"))
                    .isZero();
            // No row was deleted: the append-only triggers of every remaining partition are still enabled (a DELETE
            // would have been refused by them and failed the expiry).
            assertThat(count(
                            c,
                            "select count(*) from pg_trigger t join pg_class r on r.oid = t.tgrelid "
                                    + "join pg_namespace n on n.oid = r.relnamespace where n.nspname = 'audit' "
                                    + "and r.relname like 'events_p%' and t.tgname = 'events_no_update' "
                                    + "and t.tgenabled <> 'O'"))
                    .isZero();
            assertThatThrownBy(() ->
                            c.createStatement().executeUpdate("delete from audit.events where topic = '" + topic + "'"))
                    .hasMessageContaining("append-only");
            // Every drop is recorded: per chain, the offsets and the last dropped link's hash.
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select parent, first_offset, last_offset, links, expired_by "
                            + "from audit.expirations where topic = '" + topic + "' order by parent")) {
                rs.next();
                assertThat(List.of(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                        .containsExactly("events", 0L, 9L, 9L);
                assertThat(rs.getString(5)).isEqualTo(infra.user());
                rs.next();
                assertThat(List.of(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
                        .containsExactly("quarantine", 5L, 5L, 1L);
            }
            // The dropped events' ids went with them, the kept ones' stayed.
            assertThat(count(c, "select count(*) from audit.event_ids where source = '/retention/" + topic + "'"))
                    .isEqualTo(20);

            // Verification: from the first signed checkpoint after offset 9 (12); 10 and 11 cannot be verified.
            ChainWalkAfterExpiry.Result result = ChainWalkAfterExpiry.walk(c, topic, 0, keys);
            assertThat(result.broken()).isNull();
            assertThat(result.unverifiable()).isNotNull();
            assertThat(result.unverifiable().from()).isEqualTo(10);
            assertThat(result.unverifiable().to()).isEqualTo(11);
            assertThat(result.unverifiable().links()).isEqualTo(2);
            assertThat(result.unverifiable().anchor()).isEqualTo(12);
            assertThat(result.links()).isEqualTo(18);
            // Without the record of the drop, the same gap is a broken chain (a deletion is still detected).
            ChainVerifier.Broken fromStart = ChainWalkAfterExpiry.walkFromGenesis(c, topic, 0, keys);
            assertThat(fromStart).isNotNull();
            assertThat(fromStart.offset()).isEqualTo(10);
        }
        assertThat(ids).hasSize(29);

        // A superuser alters a row after the anchor: found exactly there.
        try (Connection c = infra.superuserConnection();
                Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.executeUpdate("update audit.events set event = jsonb_set(event, '{subject}', '\"/tampered\"') "
                    + "where topic = '" + topic + "' and kafka_offset = 14");
        }
        try (Connection c = owner()) {
            ChainWalkAfterExpiry.Result result = ChainWalkAfterExpiry.walk(c, topic, 0, keys);
            assertThat(result.broken()).isNotNull();
            assertThat(result.broken().offset()).isEqualTo(14);
            assertThat(result.broken().reason()).contains("hash does not match");
        }
        // The anchor's signature is checked: a forged checkpoint breaks the walk at the anchor.
        String signature;
        try (Connection c = owner()) {
            signature = hex(
                    c,
                    "select encode(signature, 'hex') from audit.checkpoints where topic = '" + topic
                            + "' and kafka_offset = 12");
        }
        try (Connection c = infra.superuserConnection();
                Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.executeUpdate("update audit.events set event = jsonb_set(event, '{subject}', '\"/p/14\"') "
                    + "where topic = '" + topic + "' and kafka_offset = 14");
            s.executeUpdate("update audit.checkpoints set signature = decode(repeat('00', 64), 'hex') where topic = '"
                    + topic + "' and kafka_offset = 12");
        }
        try (Connection c = owner()) {
            ChainWalkAfterExpiry.Result result = ChainWalkAfterExpiry.walk(c, topic, 0, keys);
            assertThat(result.broken()).isNotNull();
            assertThat(result.broken().offset()).isEqualTo(12);
            assertThat(result.broken().reason()).contains("signature");
        }
        // The anchor's link must be there: deleting it does not move the walk's start to the next link.
        try (Connection c = infra.superuserConnection();
                Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.executeUpdate("update audit.checkpoints set signature = decode('" + signature
                    + "', 'hex') where topic = '" + topic + "' and kafka_offset = 12");
            s.executeUpdate("delete from audit.events where topic = '" + topic + "' and kafka_offset = 12");
        }
        try (Connection c = owner()) {
            ChainWalkAfterExpiry.Result result = ChainWalkAfterExpiry.walk(c, topic, 0, keys);
            assertThat(result.broken()).isNotNull();
            assertThat(result.broken().offset()).isEqualTo(12);
            assertThat(result.broken().reason()).contains("checkpoint's link is missing");
        }
    }

    private static String hex(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void anEventIsStoredOnceAcrossPartitions() throws Exception {
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        CloudEvent old = requestRecorded(tenant, "/old");
        // The event was stored long ago, in an old partition...
        try (Connection c = owner()) {
            Chain chain = new Chain(c, "test.dedupe." + tenant, tenant);
            chain.event(0, Instant.parse("2002-03-01T10:00:00Z"), old);
            assertThat(partitionAt(c, "events", Instant.parse("2002-03-01T10:00:00Z")))
                    .isEqualTo("events_p20020301");
        }
        // ...and a producer retry of it reaches the ingestor now (through its own code, on a chain of a topic of
        // this test's own, so that the live topics' chains stay what a rebuild from them reproduces): skipped.
        String again = "test.dedupe.again." + tenant;
        assertThat(ingestor.ingest(List.of(new ConsumerRecord<>(again, 0, 0L, tenant, codec.write(old)))))
                .isZero();
        try (Connection c = owner()) {
            assertThat(count(c, "select count(*) from audit.events where event_id = '" + old.id() + "'"))
                    .isEqualTo(1);
            assertThat(count(
                            c,
                            "select count(*) from audit.events where event_id = '" + old.id()
                                    + "' and tableoid = 'audit.events_p20020301'::regclass"))
                    .isEqualTo(1);
            assertThat(count(c, "select count(*) from audit.events where topic = '" + again + "'"))
                    .isZero();
        }
        // The database holds it too: a second id row is refused, whichever partition its event would go to.
        try (Connection w = writer();
                Statement s = w.createStatement()) {
            assertThatThrownBy(() -> s.execute("insert into audit.event_ids (source, event_id) values ('" + old.source()
                            + "', '" + old.id() + "')"))
                    .hasMessageContaining("duplicate key");
        }
    }

    @Test
    void aChainWhoseLinksAllExpiredContinuesFromItsLastDroppedLink() throws Exception {
        // Offsets 0-4 of a chain were stored on 2003-05-01, and that partition expired.
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        String topic = "test.expired." + tenant;
        List<String> values = new ArrayList<>();
        try (Connection c = owner()) {
            Chain chain = new Chain(c, topic, tenant);
            for (long o = 0; o < 5; o++) {
                CloudEvent e = requestRecorded(tenant, "/gone/" + o);
                values.add(codec.write(e));
                chain.event(o, Instant.parse("2003-05-01T12:00:00Z"), e);
            }
        }
        assertThat(ingestor.lastLinkOffset(topic, 0)).isEqualTo(4);
        maintenance.expire(Instant.parse("2003-05-02T00:00:00Z"));
        try (Connection c = owner()) {
            assertThat(count(c, "select count(*) from audit.events where topic = '" + topic + "'"))
                    .isZero();
            assertThat(count(
                            c,
                            "select count(*) from audit.expirations where topic = '" + topic
                                    + "' and last_offset = 4 and last_hash is not null"))
                    .isEqualTo(1);
        }
        // The chain's tail is its last dropped link: the consumer goes on after offset 4 (on assignment), and the
        // topic's offsets 0-4 arriving again are taken as handled, not stored as a new chain from the start.
        assertThat(ingestor.lastLinkOffset(topic, 0)).isEqualTo(4);
        List<ConsumerRecord<String, String>> redelivered = new ArrayList<>();
        for (int o = 0; o < 5; o++) {
            redelivered.add(new ConsumerRecord<>(topic, 0, o, tenant, values.get(o)));
        }
        assertThat(ingestor.ingest(redelivered)).isZero();
        try (Connection c = owner()) {
            assertThat(count(c, "select count(*) from audit.events where topic = '" + topic + "'"))
                    .isZero();
        }
    }

    /**
     * The rows written here into old partitions go again, so that the store's live chains are only what the
     * topics hold (the rebuild test compares the two).
     */
    @AfterEach
    void dropTheOldPartitions() throws SQLException {
        maintenance.expire(Instant.parse("2004-01-01T00:00:00Z"));
    }

    private Connection writer() throws SQLException {
        return DriverManager.getConnection(
                infra.jdbcUrl(), TestInfrastructure.AUDIT_WRITER, TestInfrastructure.AUDIT_PASSWORD);
    }

    /** The name of the partition of {@code audit.<parent>} holding {@code at}, or null. */
    static String partitionAt(Connection c, String parent, Instant at) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "select name from audit.partition_bounds where parent = ? " + "and ? >= from_at and ? < to_at")) {
            p.setString(1, parent);
            p.setTimestamp(2, Timestamp.from(at));
            p.setTimestamp(3, Timestamp.from(at));
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static List<String> hashes(Connection c, String topic) throws SQLException {
        List<String> hashes = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select kafka_offset, encode(hash, 'hex'), encode(prev_hash, 'hex') "
                        + "from audit.events where topic = '" + topic + "' and kafka_offset >= 10 order by 1")) {
            while (rs.next()) {
                hashes.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return hashes;
    }

    /** Writes one chain (partition 0 of {@code topic}) as the ingestor does, at chosen store times. */
    private final class Chain {
        private final Connection c;
        private final String topic;
        private final int partition;
        private final String tenant;
        private byte[] prev = ChainLink.GENESIS;
        final List<Long> seqs = new ArrayList<>();

        Chain(Connection c, String topic, String tenant) {
            this(c, topic, 0, tenant);
        }

        Chain(Connection c, String topic, int partition, String tenant) {
            this.c = c;
            this.topic = topic;
            this.partition = partition;
            this.tenant = tenant;
        }

        void event(long offset, Instant storedAt) throws SQLException {
            CloudEvent e = codec.event(
                    "/retention/" + topic,
                    requestRecorded(tenant, "/p/" + offset).type(),
                    "/p/" + offset,
                    tenant,
                    null,
                    null,
                    null,
                    requestRecorded(tenant, "/p/" + offset).data());
            event(offset, storedAt, e);
        }

        void event(long offset, Instant storedAt, CloudEvent e) throws SQLException {
            String json = codec.write(e);
            byte[] hash = ChainLink.eventHash(topic, partition, offset, prev, json);
            Instant at = storedAt == null ? Instant.now() : storedAt;
            ensure(at);
            try (PreparedStatement p = c.prepareStatement("insert into audit.events (event_id, source, type, subject, "
                    + "tenant, occurred_at, topic, kafka_partition, kafka_offset, event, stored_at, hash, prev_hash) "
                    + "values (?, ?, ?, ?, ?, ?, ?, " + partition + ", ?, ?::jsonb, ?, ?, ?) returning seq")) {
                p.setString(1, e.id());
                p.setString(2, e.source());
                p.setString(3, e.type());
                p.setString(4, e.subject());
                p.setString(5, tenant);
                p.setTimestamp(6, Timestamp.from(at));
                p.setString(7, topic);
                p.setLong(8, offset);
                p.setString(9, json);
                p.setTimestamp(10, Timestamp.from(at));
                p.setBytes(11, hash);
                p.setBytes(12, prev);
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    seqs.add(rs.getLong(1));
                }
            }
            try (PreparedStatement p =
                    c.prepareStatement("insert into audit.event_ids (source, event_id, stored_at) values (?, ?, ?)")) {
                p.setString(1, e.source());
                p.setString(2, e.id());
                p.setTimestamp(3, Timestamp.from(at));
                p.executeUpdate();
            }
            linked(offset, hash);
        }

        void quarantine(long offset, Instant storedAt) throws SQLException {
            byte[] raw = ("not an event " + offset).getBytes(StandardCharsets.UTF_8);
            byte[] hash = ChainLink.quarantineHash(topic, partition, offset, prev, raw);
            ensure(storedAt);
            try (PreparedStatement p = c.prepareStatement("insert into audit.quarantine (topic, kafka_partition, "
                    + "kafka_offset, raw, reason, hash, prev_hash, stored_at) values (?, " + partition
                    + ", ?, ?, 'test', ?, ?, ?)")) {
                p.setString(1, topic);
                p.setLong(2, offset);
                p.setBytes(3, raw);
                p.setBytes(4, hash);
                p.setBytes(5, prev);
                p.setTimestamp(6, Timestamp.from(storedAt));
                p.executeUpdate();
            }
            linked(offset, hash);
        }

        private void ensure(Instant at) throws SQLException {
            try (PreparedStatement p = c.prepareStatement("select audit.ensure_partitions(?, 'day')")) {
                p.setTimestamp(1, Timestamp.from(at));
                p.execute();
            }
        }

        private void linked(long offset, byte[] hash) throws SQLException {
            if (offset % 4 == 0) {
                Instant signedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                String keyId = Checkpoints.keyId(SIGNING.getPublic());
                byte[] signature = Checkpoints.sign(
                        SIGNING.getPrivate(), Checkpoints.signedBytes(topic, partition, offset, hash, signedAt, keyId));
                try (PreparedStatement p = c.prepareStatement(
                        "insert into audit.checkpoints values (?, " + partition + ", ?, ?, ?, ?, ?)")) {
                    p.setString(1, topic);
                    p.setLong(2, offset);
                    p.setBytes(3, hash);
                    p.setObject(4, OffsetDateTime.ofInstant(signedAt, ZoneOffset.UTC));
                    p.setString(5, keyId);
                    p.setBytes(6, signature);
                    p.executeUpdate();
                }
            }
            prev = hash;
        }
    }
}
