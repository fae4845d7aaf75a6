package io.hostplane.audit.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.audit.ChainLink;
import io.hostplane.embedded.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration V3 on a store of V2 (in a database of its own on the real PostgreSQL): every event and quarantined
 * record is carried over with its seq, hashes and store time into the partition of that time, each event's id
 * into {@code audit.event_ids}, the chain still links, and the tables stay append-only.
 */
class MigrationV3Test {

    private final TestInfrastructure infra = TestInfrastructure.shared();

    @Test
    void v3CarriesV2RowsOverWithTheirHashesIntoMonthlyPartitions() throws Exception {
        String url = "jdbc:" + infra.createDatabase("hp_audit_v3_").substring("r2dbc:".length());
        flyway(url, "2").migrate();
        String topic = "hostplane.audit";
        List<String> before;
        try (Connection c = DriverManager.getConnection(url, infra.user(), infra.password())) {
            byte[] prev = ChainLink.GENESIS;
            Instant[] times = {
                Instant.parse("2026-09-30T23:59:59Z"),
                Instant.parse("2026-10-01T00:00:00Z"),
                Instant.parse("2026-11-02T10:00:00Z")
            };
            for (int o = 0; o < 6; o++) {
                Instant at = times[o / 2];
                if (o == 3) {
                    byte[] raw = "not json".getBytes(StandardCharsets.UTF_8);
                    byte[] hash = ChainLink.quarantineHash(topic, 0, o, prev, raw);
                    try (PreparedStatement p = c.prepareStatement("insert into audit.quarantine (topic, "
                            + "kafka_partition, kafka_offset, raw, reason, hash, prev_hash, stored_at) "
                            + "values (?, 0, ?, ?, 'not JSON', ?, ?, ?)")) {
                        p.setString(1, topic);
                        p.setLong(2, o);
                        p.setBytes(3, raw);
                        p.setBytes(4, hash);
                        p.setBytes(5, prev);
                        p.setTimestamp(6, Timestamp.from(at));
                        p.executeUpdate();
                    }
                    prev = hash;
                    continue;
                }
                String json = "{\"specversion\":\"1.0\",\"id\":\"e" + o
                        + "\",\"source\":\"/m\",\"type\":\"t\",\"data\":{\"n\":" + o + "}}";
                byte[] hash = ChainLink.eventHash(topic, 0, o, prev, json);
                try (PreparedStatement p = c.prepareStatement("insert into audit.events (event_id, source, type, "
                        + "tenant, occurred_at, topic, kafka_partition, kafka_offset, event, stored_at, hash, prev_hash) "
                        + "values (?, '/m', 't', 'demo', ?, ?, 0, ?, ?::jsonb, ?, ?, ?)")) {
                    p.setString(1, "e" + o);
                    p.setTimestamp(2, Timestamp.from(at));
                    p.setString(3, topic);
                    p.setLong(4, o);
                    p.setString(5, json);
                    p.setTimestamp(6, Timestamp.from(at));
                    p.setBytes(7, hash);
                    p.setBytes(8, prev);
                    p.executeUpdate();
                }
                prev = hash;
            }
            before = rows(c);
        }

        flyway(url, "latest").migrate();

        try (Connection c = DriverManager.getConnection(url, infra.user(), infra.password());
                Statement s = c.createStatement()) {
            assertThat(rows(c)).hasSize(6).isEqualTo(before);
            List<String> partitions = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("select tableoid::regclass::text, kafka_offset from audit.events "
                    + "union all select tableoid::regclass::text, kafka_offset from audit.quarantine order by 2")) {
                while (rs.next()) {
                    partitions.add(rs.getString(1));
                }
            }
            assertThat(partitions)
                    .containsExactly(
                            "audit.events_p20260901",
                            "audit.events_p20260901",
                            "audit.events_p20261001",
                            "audit.quarantine_p20261001",
                            "audit.events_p20261101",
                            "audit.events_p20261101");
            try (ResultSet rs = s.executeQuery("select count(*) from audit.event_ids where source = '/m'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(5);
            }
            // The next seq continues after the carried-over ones.
            try (ResultSet rs =
                    s.executeQuery("select nextval('audit.events_seq_seq') > (select max(seq) from audit.events)")) {
                rs.next();
                assertThat(rs.getBoolean(1)).isTrue();
            }
            assertThatThrownBy(() -> s.executeUpdate("update audit.events set type = 'x'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit.quarantine"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("truncate audit.events_p20261001"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit.event_ids"))
                    .hasMessageContaining("append-only");
        }
    }

    /** Every link with its seq, store time and hashes, in offset order. */
    private static List<String> rows(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select kafka_offset, seq::text, stored_at, encode(hash, 'hex'), "
                        + "encode(prev_hash, 'hex'), event::text from audit.events union all "
                        + "select kafka_offset, null, stored_at, encode(hash, 'hex'), encode(prev_hash, 'hex'), "
                        + "encode(raw, 'hex') from audit.quarantine order by 1")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2) + " "
                        + rs.getTimestamp(3).toInstant() + " " + rs.getString(4) + " " + rs.getString(5) + " "
                        + rs.getString(6));
            }
        }
        return rows;
    }

    private Flyway flyway(String url, String target) {
        return Flyway.configure()
                .dataSource(url, infra.user(), infra.password())
                .schemas("audit")
                .defaultSchema("audit")
                .table("schema_history")
                .locations("classpath:db/audit")
                .target(target)
                .load();
    }
}
