package io.hostplane.audit.retention;

import io.hostplane.platform.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the partitions of {@code audit.events} and {@code audit.quarantine}: creates the current one and
 * {@code ahead} more (at start-up, before the Kafka listeners, and then every {@code check-every}), and, when a
 * store retention is set, detaches and drops every partition whose whole range is older than it. Each drop is one
 * transaction that first records what the partition held in {@code audit.expirations} (per chain: the offsets and
 * the last link's hash), then, for events, removes the ids of the dropped events from {@code audit.event_ids}
 * (the trigger there allows only that), then drops the table. No row of the log is ever deleted.
 *
 * <p>It works as the schema's owner ({@code spring.r2dbc.*}, like the migrations): detaching and dropping take
 * ownership, which the writer and reader logins do not have.
 */
@Component
public class PartitionMaintenance implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PartitionMaintenance.class);
    private static final List<String> PARENTS = List.of("events", "quarantine");

    /** A dropped partition: which table, its name and range, and how many links it held. */
    public record Dropped(String parent, String name, Instant from, Instant to, long links) {}

    private final DatabaseSettings owner;
    private final RetentionProperties properties;
    private volatile boolean running;

    PartitionMaintenance(Environment env, RetentionProperties properties) {
        this.owner = DatabaseSettings.from(env);
        this.properties = properties;
    }

    /** At start-up, after the migrations and before the listeners (a lower phase): the partitions of now exist. */
    @Override
    public void start() {
        running = true;
        try {
            ensureAhead(Instant.now());
        } catch (SQLException e) {
            // The ingestor creates the partition of now() itself if it is missing; the next check tries again.
            log.warn("could not create audit partitions ahead of time: {}", e.getMessage());
        }
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return 0;
    }

    @Scheduled(
            initialDelayString = "${hostplane.audit.retention.check-every:1h}",
            fixedDelayString = "${hostplane.audit.retention.check-every:1h}")
    void check() {
        Instant now = Instant.now();
        try {
            ensureAhead(now);
            if (properties.store() != null) {
                expire(now.minus(properties.store()));
            }
        } catch (SQLException e) {
            log.warn("audit partition maintenance failed, retrying at the next check: {}", e.getMessage());
        }
    }

    /** Creates the partition holding {@code now} and the {@code ahead} after it, where missing. */
    public void ensureAhead(Instant now) throws SQLException {
        ZonedDateTime at = now.atZone(ZoneOffset.UTC);
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            lockTimeout(c);
            for (int i = 0; i <= properties.ahead(); i++) {
                ZonedDateTime next = "day".equals(properties.partition()) ? at.plusDays(i) : at.plusMonths(i);
                try (PreparedStatement p = c.prepareStatement("select audit.ensure_partitions(?, ?)")) {
                    p.setObject(1, next.toOffsetDateTime());
                    p.setString(2, properties.partition());
                    p.execute();
                }
            }
            c.commit();
        }
    }

    /**
     * Detaches and drops every partition whose range ends at or before {@code cutoff}, oldest first, one
     * transaction each; returns what was dropped.
     */
    public List<Dropped> expire(Instant cutoff) throws SQLException {
        List<Dropped> dropped = new ArrayList<>();
        try (Connection c = connect()) {
            for (String parent : PARENTS) {
                for (Dropped candidate : expired(c, parent, cutoff)) {
                    dropped.add(drop(c, candidate));
                }
            }
        }
        return dropped;
    }

    private static List<Dropped> expired(Connection c, String parent, Instant cutoff) throws SQLException {
        List<Dropped> partitions = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("select name, from_at, to_at from audit.partition_bounds "
                + "where parent = ? and to_at <= ? order by from_at")) {
            p.setString(1, parent);
            p.setTimestamp(2, Timestamp.from(cutoff));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    partitions.add(new Dropped(
                            parent,
                            rs.getString(1),
                            rs.getTimestamp(2).toInstant(),
                            rs.getTimestamp(3).toInstant(),
                            0));
                }
            }
        }
        return partitions;
    }

    private Dropped drop(Connection c, Dropped partition) throws SQLException {
        String parent = "audit." + partition.parent();
        String table = "audit." + quote(partition.name());
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            lockTimeout(c);
            s.execute("select pg_advisory_xact_lock(hashtext('audit.partitions'), 0)");
            s.execute("alter table " + parent + " detach partition " + table);
            long links;
            try (PreparedStatement p = c.prepareStatement("insert into audit.expirations (parent, partition_name, "
                    + "from_at, to_at, topic, kafka_partition, first_offset, last_offset, last_hash, links) "
                    + "select ?, ?, ?, ?, topic, kafka_partition, min(kafka_offset), max(kafka_offset), "
                    + "(array_agg(hash order by kafka_offset desc))[1], count(*) from " + table
                    + " group by topic, kafka_partition")) {
                p.setString(1, partition.parent());
                p.setString(2, partition.name());
                p.setTimestamp(3, Timestamp.from(partition.from()));
                p.setTimestamp(4, Timestamp.from(partition.to()));
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement(
                    "select count(*), coalesce(sum(links), 0) from audit.expirations where partition_name = ?")) {
                p.setString(1, partition.name());
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                    links = rs.getLong(2);
                    if (rs.getLong(1) == 0) {
                        // An empty partition is recorded too: every drop leaves a row.
                        try (PreparedStatement e = c.prepareStatement("insert into audit.expirations (parent, "
                                + "partition_name, from_at, to_at, links) values (?, ?, ?, ?, 0)")) {
                            e.setString(1, partition.parent());
                            e.setString(2, partition.name());
                            e.setTimestamp(3, Timestamp.from(partition.from()));
                            e.setTimestamp(4, Timestamp.from(partition.to()));
                            e.executeUpdate();
                        }
                    }
                }
            }
            if ("events".equals(partition.parent())) {
                // The ids of the dropped events: the trigger on event_ids allows deleting exactly these.
                try (PreparedStatement p = c.prepareStatement("delete from audit.event_ids where stored_at < ?")) {
                    p.setTimestamp(1, Timestamp.from(partition.to()));
                    p.executeUpdate();
                }
            }
            s.execute("drop table " + table);
            c.commit();
            log.info(
                    "dropped audit partition {} [{}, {}) with {} links (recorded in audit.expirations)",
                    partition.name(),
                    partition.from(),
                    partition.to(),
                    links);
            return new Dropped(partition.parent(), partition.name(), partition.from(), partition.to(), links);
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void lockTimeout(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("set local lock_timeout = "
                    + Math.max(1, properties.lockTimeout().toMillis()));
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(owner.jdbcUrl(), owner.username(), owner.password());
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
