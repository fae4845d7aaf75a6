package io.hostplane.worker.system;

import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The terminal event of every job this worker group finished ({@code worker.job_outcomes}). A redelivered
 * command finds its outcome here and the same event (same id) is sent again instead of the change being
 * applied a second time.
 */
@Repository
class JobOutcomeStore {

    private final JdbcTemplate jdbc;

    JobOutcomeStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Optional<String> find(UUID jobId) {
        return jdbc.queryForList("select event from worker.job_outcomes where job_id = ?", String.class, jobId).stream()
                .findFirst();
    }

    /** Stores the outcome unless one exists; returns the stored one (the first writer wins). */
    String storeOnce(UUID jobId, String status, String event) {
        jdbc.update(
                "insert into worker.job_outcomes (job_id, status, event) values (?, ?, ?) on conflict (job_id) do nothing",
                jobId,
                status,
                event);
        return find(jobId).orElseThrow();
    }
}
