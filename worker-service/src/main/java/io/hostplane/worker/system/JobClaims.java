package io.hostplane.worker.system;

import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The worker's side of {@code control.job_claims}: a job is run only if the worker claims it first. */
@Repository
class JobClaims {

    private final JdbcTemplate jdbc;

    JobClaims(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** True if the job may run: this claim is new, or a worker started it before (a redelivery). */
    boolean start(UUID jobId) {
        jdbc.update(
                "insert into control.job_claims (job_id, claim) values (?, 'started') on conflict (job_id) do nothing",
                jobId);
        String claim =
                jdbc.queryForObject("select claim from control.job_claims where job_id = ?", String.class, jobId);
        return "started".equals(claim);
    }
}
