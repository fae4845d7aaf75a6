package io.hostplane.worker.system;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The terminal event of every job this worker group finished ({@code worker.job_outcomes}). A redelivered
 * command finds its outcome here and the same event (same id) is sent again instead of the change being
 * applied a second time. Read and written a poll at a time: one statement each.
 */
@Repository
class JobOutcomeStore {

    /** A job's terminal event, as it is to be stored. */
    record Outcome(UUID jobId, String status, String event) {}

    private final JdbcTemplate jdbc;

    JobOutcomeStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The stored outcome events of those of {@code jobs} that have one. */
    Map<UUID, String> find(Collection<UUID> jobs) {
        Map<UUID, String> found = new HashMap<>();
        if (jobs.isEmpty()) {
            return found;
        }
        jdbc.query(
                connection -> {
                    PreparedStatement statement = connection.prepareStatement(
                            "select job_id, event from worker.job_outcomes where job_id = any(?::uuid[])");
                    statement.setArray(1, connection.createArrayOf("uuid", jobs.toArray()));
                    return statement;
                },
                rs -> {
                    found.put(rs.getObject(1, UUID.class), rs.getString(2));
                });
        return found;
    }

    /**
     * Stores each outcome unless its job has one, in one statement; returns, for every job, the outcome that is
     * stored (the first writer's: a worker that ran the same job during a rebalance may have stored it first).
     */
    Map<UUID, String> storeOnce(List<Outcome> outcomes) {
        Map<UUID, String> stored = new HashMap<>();
        if (outcomes.isEmpty()) {
            return stored;
        }
        Map<UUID, String> offered = new HashMap<>();
        outcomes.forEach(o -> offered.put(o.jobId(), o.event()));
        jdbc.query(
                connection -> {
                    PreparedStatement statement =
                            connection.prepareStatement("insert into worker.job_outcomes (job_id, status, event) "
                                    + "select * from unnest(?::uuid[], ?::text[], ?::text[]) "
                                    + "on conflict (job_id) do nothing returning job_id");
                    statement.setArray(
                            1,
                            connection.createArrayOf(
                                    "uuid",
                                    outcomes.stream().map(Outcome::jobId).toArray()));
                    statement.setArray(
                            2,
                            connection.createArrayOf(
                                    "text",
                                    outcomes.stream().map(Outcome::status).toArray()));
                    statement.setArray(
                            3,
                            connection.createArrayOf(
                                    "text",
                                    outcomes.stream().map(Outcome::event).toArray()));
                    return statement;
                },
                rs -> {
                    UUID id = rs.getObject(1, UUID.class);
                    stored.put(id, offered.get(id));
                });
        List<UUID> earlier = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (!stored.containsKey(o.jobId())) {
                earlier.add(o.jobId());
            }
        }
        stored.putAll(find(earlier));
        return stored;
    }
}
