package io.hostplane.audit.retention;

import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.audit.ChainVerifier;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Walks a stored chain over JDBC with the shared {@link ChainVerifier} as the API does: from the chain's start, or,
 * when expiry dropped its older links, from the first signed checkpoint after the dropped range.
 */
final class ChainWalkAfterExpiry {

    /** The first broken link or null, the kept links that could not be verified (or null), the links walked. */
    record Result(ChainVerifier.Broken broken, ChainVerifier.Unverifiable unverifiable, long links) {}

    private ChainWalkAfterExpiry() {}

    static Result walk(Connection c, String topic, int partition, Map<String, PublicKey> keys) throws SQLException {
        long expired = scalar(
                c,
                "select coalesce(max(last_offset), -1) from audit.expirations where topic = ? and kafka_partition = ?",
                topic,
                partition);
        if (expired < 0) {
            return walk(c, topic, partition, -1, null, keys, null);
        }
        ChainVerifier.Checkpoint anchor = null;
        Map<Long, ChainVerifier.Checkpoint> checkpoints = checkpoints(c, topic, partition, expired + 1);
        for (ChainVerifier.Checkpoint cp : checkpoints.values()) {
            if (anchor == null || cp.offset() < anchor.offset()) {
                anchor = cp;
            }
        }
        long to = anchor == null ? Long.MAX_VALUE : anchor.offset() - 1;
        long n = scalar(
                        c,
                        "select count(*) from audit.events where topic = ? and kafka_partition = ? "
                                + "and kafka_offset between " + (expired + 1) + " and " + to,
                        topic,
                        partition)
                + scalar(
                        c,
                        "select count(*) from audit.quarantine where topic = ? and kafka_partition = ? "
                                + "and kafka_offset between " + (expired + 1) + " and " + to,
                        topic,
                        partition);
        ChainVerifier.Unverifiable unverifiable = n == 0
                ? null
                : new ChainVerifier.Unverifiable(
                        topic, partition, expired, expired + 1, to, n, anchor == null ? -1 : anchor.offset());
        if (anchor == null) {
            return new Result(null, unverifiable, 0);
        }
        return walk(c, topic, partition, anchor.offset(), anchor, keys, unverifiable);
    }

    /** From the chain's start after the genesis hash, ignoring any record of expiry. */
    static ChainVerifier.Broken walkFromGenesis(Connection c, String topic, int partition, Map<String, PublicKey> keys)
            throws SQLException {
        return walk(c, topic, partition, -1, null, keys, null).broken();
    }

    private static Result walk(
            Connection c,
            String topic,
            int partition,
            long start,
            ChainVerifier.Checkpoint anchor,
            Map<String, PublicKey> keys,
            ChainVerifier.Unverifiable unverifiable)
            throws SQLException {
        ChainVerifier verifier = new ChainVerifier(start < 0 ? ChainLink.GENESIS : null, keys);
        Map<Long, ChainVerifier.Checkpoint> checkpoints = checkpoints(c, topic, partition, Math.max(start, 0));
        if (anchor != null) {
            ChainVerifier.Broken b = verifier.anchorAt(anchor);
            if (b != null) {
                return new Result(b, unverifiable, 0);
            }
        }
        long links = 0;
        try (PreparedStatement p = c.prepareStatement("select kafka_offset, 'event', event_id, event::text, "
                + "null::bytea, hash, prev_hash from audit.events where topic = ? and kafka_partition = ? "
                + "and kafka_offset >= ? union all select kafka_offset, 'quarantine', null, null, raw, hash, prev_hash "
                + "from audit.quarantine where topic = ? and kafka_partition = ? and kafka_offset >= ? order by 1")) {
            p.setString(1, topic);
            p.setInt(2, partition);
            p.setLong(3, Math.max(start, 0));
            p.setString(4, topic);
            p.setInt(5, partition);
            p.setLong(6, Math.max(start, 0));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    links++;
                    var link = new ChainVerifier.Link(
                            topic,
                            partition,
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getBytes(5),
                            rs.getBytes(6),
                            rs.getBytes(7));
                    ChainVerifier.Broken broken = verifier.link(link);
                    ChainVerifier.Checkpoint cp = checkpoints.get(link.offset());
                    if (broken == null && cp != null) {
                        broken = verifier.checkpoint(cp, link.hash());
                    }
                    if (broken != null) {
                        return new Result(broken, unverifiable, links);
                    }
                }
            }
        }
        return new Result(verifier.finish(), unverifiable, links);
    }

    private static Map<Long, ChainVerifier.Checkpoint> checkpoints(Connection c, String topic, int partition, long from)
            throws SQLException {
        Map<Long, ChainVerifier.Checkpoint> checkpoints = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement("select kafka_offset, hash, signed_at, key_id, signature "
                + "from audit.checkpoints where topic = ? and kafka_partition = ? and kafka_offset >= ?")) {
            q.setString(1, topic);
            q.setInt(2, partition);
            q.setLong(3, from);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    checkpoints.put(
                            rs.getLong(1),
                            new ChainVerifier.Checkpoint(
                                    topic,
                                    partition,
                                    rs.getLong(1),
                                    rs.getBytes(2),
                                    rs.getObject(3, OffsetDateTime.class).toInstant(),
                                    rs.getString(4),
                                    rs.getBytes(5)));
                }
            }
        }
        return checkpoints;
    }

    private static long scalar(Connection c, String sql, String topic, int partition) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, topic);
            p.setInt(2, partition);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
