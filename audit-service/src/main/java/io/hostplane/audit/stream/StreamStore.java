package io.hostplane.audit.stream;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * All SQL of the streams, as the schema owner: reads the API's definitions ({@code api.audit_streams}, read only)
 * and the stored events ({@code audit.events}, read only), and writes the streams' own state
 * ({@code audit_stream.status} and {@code audit_stream.positions}).
 *
 * <p>How events are read: per chain (topic, partition), by offset, through the chain index {@code events_chain}.
 * A stream's position in a chain is the last offset it has handled — delivered, or skipped by its filters — so no
 * stored row is read twice by a stream that keeps up, and no time window is needed. This is exact because the
 * ingestor writes each chain under an advisory lock held until its transaction commits, in offset order: the rows
 * of a chain that any statement sees are a prefix of the chain, so nothing can appear later below a position.
 * ({@code seq} and {@code stored_at} are not in commit order across chains, and {@code stored_at} is not even
 * monotonic within one: it is the transaction's start, and two ingest transactions may wait on one chain's lock.)
 */
final class StreamStore {

    private static final String DEFINITIONS = "select a.id, a.tenant, a.kind, a.url, a.host, a.port, a.types, "
            + "a.token_type, a.token_sealed, a.ca_pem_sealed, a.paused_at, a.resumed_at, a.created_at, a.version, "
            + "s.self_paused_at from api.audit_streams a left join audit_stream.status s on s.stream_id = a.id";

    /** Takes the streams nobody holds (or whose lease expired) and renews this replica's own, in one statement. */
    private static final String LEASE = "insert into audit_stream.status as s (stream_id, started_at, leased_by, "
            + "lease_until) select w.id::uuid, w.started::timestamptz, ?, now() + ? * interval '1 millisecond' "
            + "from unnest(?::text[], ?::text[]) as w(id, started) "
            + "on conflict (stream_id) do update set leased_by = excluded.leased_by, "
            + "lease_until = excluded.lease_until, updated_at = now() "
            + "where s.leased_by is null or s.lease_until is null or s.lease_until < now() "
            + "or s.leased_by = excluded.leased_by returning s.stream_id";

    private static final String RELEASE_OTHERS = "update audit_stream.status set leased_by = null, "
            + "lease_until = null, updated_at = now() where leased_by = ? and stream_id::text <> all(?::text[])";

    private static final String DELETE_UNDEFINED_STATUS = "delete from audit_stream.status s where not exists "
            + "(select 1 from api.audit_streams a where a.id = s.stream_id)";
    private static final String DELETE_UNDEFINED_POSITIONS = "delete from audit_stream.positions p where not exists "
            + "(select 1 from api.audit_streams a where a.id = p.stream_id)";

    /** The chains of the store, by a loose scan of the chain index: one probe per chain, not a table scan. */
    private static final String CHAINS = "with recursive c(topic, kafka_partition) as ("
            + "(select topic, kafka_partition from audit.events order by topic, kafka_partition limit 1) "
            + "union all select n.topic, n.kafka_partition from c cross join lateral ("
            + "select e.topic, e.kafka_partition from audit.events e "
            + "where (e.topic, e.kafka_partition) > (c.topic, c.kafka_partition) "
            + "order by e.topic, e.kafka_partition limit 1) n) select topic, kafka_partition from c";

    private static final String POSITIONS =
            "select topic, kafka_partition, kafka_offset from audit_stream.positions where stream_id = ?";

    /**
     * Where a stream starts in chains it has no position in yet: before the first row stored since the stream was
     * created, or, where there is none, at the chain's current end (everything visible was stored before).
     */
    private static final String START = "select c.topic, c.kafka_partition, coalesce("
            + "(select min(x.kafka_offset) - 1 from audit.events x where x.topic = c.topic "
            + "and x.kafka_partition = c.kafka_partition and x.stored_at >= ?), "
            + "(select max(x.kafka_offset) from audit.events x where x.topic = c.topic "
            + "and x.kafka_partition = c.kafka_partition), -1) "
            + "from unnest(?::text[], ?::int[]) as c(topic, kafka_partition)";

    private static final String CARRIED = "(x.stored_at >= ? and (?::text is null or x.tenant = ?) "
            + "and (cardinality(?::text[]) = 0 or x.type = any(?::text[])))";

    /**
     * The next batch: the rows after each chain's position, chain after chain in the order given (the caller
     * rotates it from round to round, so that no chain always comes last), at most {@code batch} in all; what a
     * batch holds of a chain is always a prefix of what follows its position. The chains' order is the unnest's
     * ordinality and each chain's rows come from the chain index in offset order, so PostgreSQL sorts incrementally
     * and stops after {@code batch} rows instead of reading {@code batch} rows of every chain.
     */
    private static final String READ = "select c.topic, c.kafka_partition, e.kafka_offset, e.carried, e.event_id, "
            + "e.type, e.tenant, e.occurred_at, case when e.carried then e.event::text end "
            + "from unnest(?::text[], ?::int[], ?::bigint[]) with ordinality as c(topic, kafka_partition, after, ord) "
            + "cross join lateral (select x.kafka_offset, x.event_id, x.type, x.tenant, x.occurred_at, x.event, "
            + CARRIED + " as carried from audit.events x where x.topic = c.topic "
            + "and x.kafka_partition = c.kafka_partition and x.kafka_offset > c.after "
            + "order by x.kafka_offset limit ?) e order by c.ord, e.kafka_offset limit ?";

    /**
     * The events the stream carries among the next {@code cap} stored rows after its positions (so at most
     * {@code cap} rows are read; a lower bound once capped).
     */
    private static final String LAG = "select count(*) filter (where carried) from (select e.carried "
            + "from unnest(?::text[], ?::int[], ?::bigint[]) with ordinality as c(topic, kafka_partition, after, ord) "
            + "cross join lateral (select x.kafka_offset, " + CARRIED + " as carried from audit.events x "
            + "where x.topic = c.topic and x.kafka_partition = c.kafka_partition and x.kafka_offset > c.after "
            + "order by x.kafka_offset limit ?) e order by c.ord, e.kafka_offset limit ?) r";

    /**
     * After a delivery: the status (while this replica holds the lease) and the positions of the chains the batch
     * touched, in one statement; answers whether the lease was still held.
     */
    private static final String DELIVERED = "with held as (update audit_stream.status set "
            + "delivered = delivered + ?, last_delivery_at = case when ? > 0 then now() else last_delivery_at end, "
            + "failing_since = case when ? then null else failing_since end, lag = coalesce(?, lag), "
            + "updated_at = now() "
            + "where stream_id = ?::uuid and leased_by = ? returning stream_id), "
            + "saved as (insert into audit_stream.positions (stream_id, topic, kafka_partition, kafka_offset) "
            + "select h.stream_id, x.t, x.p, x.o from held h, unnest(?::text[], ?::int[], ?::bigint[]) as x(t, p, o) "
            + "on conflict (stream_id, topic, kafka_partition) do update set kafka_offset = excluded.kafka_offset "
            + "returning 1) select (select count(*) from held), (select count(*) from saved)";

    private static final String FAILED = "update audit_stream.status set last_error = ?, last_error_at = now(), "
            + "failing_since = ?, lag = coalesce(?, lag), updated_at = now() where stream_id = ?::uuid and leased_by = ?";

    private static final String SELF_PAUSED = "update audit_stream.status set self_paused_at = now(), "
            + "self_paused_reason = ?, leased_by = null, lease_until = null, updated_at = now() "
            + "where stream_id = ?::uuid and leased_by = ?";

    /** At a loop's start: a failure clock from before the stream's last resume does not count. */
    private static final String STARTED = "update audit_stream.status set failing_since = case when "
            + "failing_since < coalesce(?, '-infinity'::timestamptz) then null else failing_since end, "
            + "updated_at = now() where stream_id = ?::uuid and leased_by = ? returning failing_since";

    private final DataSource db;

    StreamStore(DataSource db) {
        this.db = db;
    }

    /** Every stream definition, or none while the API has not created its table yet. */
    List<StreamDefinition> definitions() throws SQLException {
        List<StreamDefinition> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(DEFINITIONS);
                ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                Array types = rs.getArray(7);
                out.add(new StreamDefinition(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        (Integer) rs.getObject(6),
                        types == null ? List.of() : List.of((String[]) types.getArray()),
                        rs.getString(8),
                        rs.getBytes(9),
                        rs.getBytes(10),
                        instant(rs, 11),
                        instant(rs, 12),
                        instant(rs, 13),
                        rs.getLong(14),
                        instant(rs, 15)));
            }
        }
        return out;
    }

    /**
     * Takes or renews the lease of each wanted stream (id → when it started), releases this replica's leases of
     * every other stream, and answers the streams this replica now holds.
     */
    Set<UUID> lease(String me, Map<UUID, Instant> wanted, Duration duration) throws SQLException {
        Set<UUID> held = new HashSet<>();
        try (Connection c = db.getConnection()) {
            List<String> ids = wanted.keySet().stream().map(UUID::toString).toList();
            if (!wanted.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement(LEASE)) {
                    p.setString(1, me);
                    p.setLong(2, duration.toMillis());
                    p.setArray(3, c.createArrayOf("text", ids.toArray()));
                    p.setArray(
                            4,
                            c.createArrayOf(
                                    "text",
                                    wanted.values().stream()
                                            .map(Instant::toString)
                                            .toArray()));
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            held.add(rs.getObject(1, UUID.class));
                        }
                    }
                }
            }
            try (PreparedStatement p = c.prepareStatement(RELEASE_OTHERS)) {
                p.setString(1, me);
                p.setArray(
                        2,
                        c.createArrayOf(
                                "text", held.stream().map(UUID::toString).toArray()));
                p.executeUpdate();
            }
        }
        return held;
    }

    /** Releases every lease this replica holds (at shutdown), so another replica takes over at once. */
    void releaseAll(String me) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(RELEASE_OTHERS)) {
            p.setString(1, me);
            p.setArray(2, c.createArrayOf("text", new Object[0]));
            p.executeUpdate();
        }
    }

    /** Forgets the status and positions of streams the API no longer defines. */
    int deleteUndefined() throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement status = c.prepareStatement(DELETE_UNDEFINED_STATUS);
                PreparedStatement positions = c.prepareStatement(DELETE_UNDEFINED_POSITIONS)) {
            return status.executeUpdate() + positions.executeUpdate();
        }
    }

    List<Chain> chains() throws SQLException {
        List<Chain> out = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(CHAINS);
                ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.add(new Chain(rs.getString(1), rs.getInt(2)));
            }
        }
        return out;
    }

    /** The stream's durable positions. */
    Map<Chain, Long> positions(UUID stream) throws SQLException {
        Map<Chain, Long> out = new LinkedHashMap<>();
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(POSITIONS)) {
            p.setObject(1, stream);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.put(new Chain(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return out;
    }

    /** Where the stream starts in {@code chains}, which it has no position in yet. */
    Map<Chain, Long> startPositions(Instant startedAt, Collection<Chain> chains) throws SQLException {
        Map<Chain, Long> out = new LinkedHashMap<>();
        if (chains.isEmpty()) {
            return out;
        }
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(START)) {
            p.setTimestamp(1, Timestamp.from(startedAt));
            p.setArray(
                    2, c.createArrayOf("text", chains.stream().map(Chain::topic).toArray()));
            p.setArray(
                    3,
                    c.createArrayOf(
                            "int4", chains.stream().map(Chain::partition).toArray()));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.put(new Chain(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return out;
    }

    /** Up to {@code batch} rows after {@code after}, in offset order per chain, chains in the map's order. */
    List<StreamEvent> read(StreamDefinition stream, Map<Chain, Long> after, int batch) throws SQLException {
        List<StreamEvent> out = new ArrayList<>();
        if (after.isEmpty()) {
            return out;
        }
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(READ)) {
            int i = positions(c, p, 1, after);
            i = carried(c, p, i, stream);
            p.setInt(i++, batch);
            p.setInt(i, batch);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new StreamEvent(
                            rs.getString(1),
                            rs.getInt(2),
                            rs.getLong(3),
                            rs.getBoolean(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            instant(rs, 8),
                            rs.getString(9)));
                }
            }
        }
        return out;
    }

    /** The events the stream carries among the next {@code cap} rows after {@code after}. */
    long lag(StreamDefinition stream, Map<Chain, Long> after, int cap) throws SQLException {
        if (after.isEmpty()) {
            return 0;
        }
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(LAG)) {
            int i = positions(c, p, 1, after);
            i = carried(c, p, i, stream);
            p.setInt(i++, cap);
            p.setInt(i, cap);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return Math.min(cap, rs.getLong(1));
            }
        }
    }

    /**
     * Records a delivery of {@code delivered} events and makes {@code positions} durable; false when this replica
     * no longer holds the stream's lease (nothing is then written).
     */
    boolean delivered(UUID stream, String me, Map<Chain, Long> positions, long delivered, Long lag)
            throws SQLException {
        return saved(stream, me, positions, delivered, lag, true);
    }

    /** Saves starting positions without saying anything about deliveries; false when the lease is gone. */
    boolean started(UUID stream, String me, Map<Chain, Long> positions) throws SQLException {
        return saved(stream, me, positions, 0, null, false);
    }

    private boolean saved(UUID stream, String me, Map<Chain, Long> positions, long delivered, Long lag, boolean ok)
            throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(DELIVERED)) {
            p.setLong(1, delivered);
            p.setLong(2, delivered);
            p.setBoolean(3, ok);
            p.setObject(4, lag);
            p.setString(5, stream.toString());
            p.setString(6, me);
            positions(c, p, 7, positions);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 1;
            }
        }
    }

    void failed(UUID stream, String me, String error, Instant failingSince, Long lag) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(FAILED)) {
            p.setString(1, error);
            p.setTimestamp(2, failingSince == null ? null : Timestamp.from(failingSince));
            p.setObject(3, lag);
            p.setString(4, stream.toString());
            p.setString(5, me);
            p.executeUpdate();
        }
    }

    void selfPaused(UUID stream, String me, String reason) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(SELF_PAUSED)) {
            p.setString(1, reason);
            p.setString(2, stream.toString());
            p.setString(3, me);
            p.executeUpdate();
        }
    }

    /** At a loop's start: the failure clock that still counts (null: none), after dropping one a resume ended. */
    Instant started(UUID stream, String me, Instant resumedAt) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement p = c.prepareStatement(STARTED)) {
            p.setTimestamp(1, resumedAt == null ? null : Timestamp.from(resumedAt));
            p.setString(2, stream.toString());
            p.setString(3, me);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? instant(rs, 1) : null;
            }
        }
    }

    private static int positions(Connection c, PreparedStatement p, int i, Map<Chain, Long> positions)
            throws SQLException {
        p.setArray(
                i++,
                c.createArrayOf(
                        "text", positions.keySet().stream().map(Chain::topic).toArray()));
        p.setArray(
                i++,
                c.createArrayOf(
                        "int4",
                        positions.keySet().stream().map(Chain::partition).toArray()));
        p.setArray(i++, c.createArrayOf("int8", positions.values().toArray()));
        return i;
    }

    private static int carried(Connection c, PreparedStatement p, int i, StreamDefinition stream) throws SQLException {
        Array types = c.createArrayOf("text", stream.types().toArray());
        p.setTimestamp(i++, Timestamp.from(stream.createdAt()));
        p.setString(i++, stream.tenant());
        p.setString(i++, stream.tenant());
        p.setArray(i++, types);
        p.setArray(i++, types);
        return i;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
