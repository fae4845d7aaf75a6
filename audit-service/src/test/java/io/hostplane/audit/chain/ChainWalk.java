package io.hostplane.audit.chain;

import io.hostplane.common.audit.ChainVerifier;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/** Walks a stored chain over JDBC with the shared {@link ChainVerifier}, as the API does over R2DBC. */
final class ChainWalk {

    private ChainWalk() {}

    /**
     * The first broken link of {@code (topic, partition)} from {@code fromOffset} on, checkpoints included, or
     * null. {@code anchor}: the hash the first link must follow (null: trust its stored predecessor).
     */
    static ChainVerifier.Broken walk(
            Connection c, String topic, int partition, long fromOffset, byte[] anchor, Map<String, PublicKey> keys)
            throws SQLException {
        ChainVerifier verifier = new ChainVerifier(anchor, keys);
        Map<Long, byte[]> hashes = new HashMap<>();
        try (PreparedStatement p = c.prepareStatement("select kafka_offset, 'event', event_id, event::text, "
                + "null::bytea, hash, prev_hash from audit.events where topic = ? and kafka_partition = ? "
                + "and kafka_offset >= ? union all select kafka_offset, 'quarantine', null, null, raw, hash, prev_hash "
                + "from audit.quarantine where topic = ? and kafka_partition = ? and kafka_offset >= ? order by 1")) {
            p.setString(1, topic);
            p.setInt(2, partition);
            p.setLong(3, fromOffset);
            p.setString(4, topic);
            p.setInt(5, partition);
            p.setLong(6, fromOffset);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
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
                    if (broken != null) {
                        return broken;
                    }
                    hashes.put(link.offset(), link.hash());
                }
            }
        }
        try (PreparedStatement q = c.prepareStatement("select kafka_offset, hash, signed_at, key_id, signature "
                + "from audit.checkpoints where topic = ? and kafka_partition = ? and kafka_offset >= ? "
                + "order by kafka_offset")) {
            q.setString(1, topic);
            q.setInt(2, partition);
            q.setLong(3, fromOffset);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    var cp = new ChainVerifier.Checkpoint(
                            topic,
                            partition,
                            rs.getLong(1),
                            rs.getBytes(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(),
                            rs.getString(4),
                            rs.getBytes(5));
                    ChainVerifier.Broken broken = verifier.checkpoint(cp, hashes.get(cp.offset()));
                    if (broken != null) {
                        return broken;
                    }
                }
            }
        }
        return null;
    }
}
