package io.hostplane.audit.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The replay log ({@code audit_replay.log}): one row per state a replay reached — {@code received} (with its
 * command), {@code cancel}, {@code finished} — each written at most once; and the advisory lock under which one
 * replica runs a replay.
 */
@Repository
class ReplayLog {

    /** A replay received and not finished. */
    record Pending(UUID jobId, String command) {}

    /** A replay's lock, held on a connection of its own until closed. */
    interface Lock extends AutoCloseable {
        @Override
        void close() throws SQLException;
    }

    private final JdbcTemplate jdbc;
    private final DataSource dataSource;

    ReplayLog(JdbcTemplate jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    /** Records a replay command, once however often it is delivered. */
    void received(UUID jobId, String command) {
        jdbc.update(
                "insert into audit_replay.log (job_id, state, command) values (?, 'received', ?::jsonb) "
                        + "on conflict do nothing",
                jobId,
                command);
    }

    /** Records a cancellation request. */
    void cancel(UUID jobId) {
        jdbc.update("insert into audit_replay.log (job_id, state) values (?, 'cancel') on conflict do nothing", jobId);
    }

    /** Up to {@code limit} replays received and not finished, oldest first. */
    List<Pending> pending(int limit) {
        return jdbc.query(
                "select r.job_id, r.command::text from audit_replay.log r where r.state = 'received' and not exists "
                        + "(select 1 from audit_replay.log f where f.job_id = r.job_id and f.state = 'finished') "
                        + "order by r.at limit ?",
                (rs, n) -> new Pending(rs.getObject(1, UUID.class), rs.getString(2)),
                limit);
    }

    boolean finished(UUID jobId) {
        return exists(jobId, "finished");
    }

    boolean cancelRequested(UUID jobId) {
        return exists(jobId, "cancel");
    }

    void markFinished(UUID jobId) {
        jdbc.update(
                "insert into audit_replay.log (job_id, state) values (?, 'finished') on conflict do nothing", jobId);
    }

    /** The replay's lock if no other replica holds it, else null. */
    Lock tryLock(UUID jobId) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            if (!advisory(connection, "pg_try_advisory_lock", jobId)) {
                connection.close();
                return null;
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return () -> {
            try (connection) {
                advisory(connection, "pg_advisory_unlock", jobId);
            }
        };
    }

    private boolean exists(UUID jobId, String state) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists (select 1 from audit_replay.log where job_id = ? and state = ?)",
                Boolean.class,
                jobId,
                state));
    }

    private static boolean advisory(Connection c, String function, UUID jobId) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("select " + function + "(hashtext('audit.replay'), hashtext(?))")) {
            s.setString(1, jobId.toString());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
