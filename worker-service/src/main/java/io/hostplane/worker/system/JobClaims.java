package io.hostplane.worker.system;

import java.sql.Array;
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
 * The worker's side of {@code control.job_claims}: a job is run only if the worker claims it first. A whole poll
 * is claimed by one statement, committed before any job of it is applied: once a job is claimed {@code started},
 * the API's cancel finds the claim and answers that the job is running, so a change can never be both applied
 * and reported cancelled. The same statement reads the outcome stored for a job claimed before (a redelivery).
 */
@Repository
class JobClaims {

    static final String STARTED = "started";

    /** A job's claim ({@value #STARTED} or {@code cancelled}) and, if it has one, its stored terminal event. */
    record Claim(String claim, String outcome) {

        boolean started() {
            return STARTED.equals(claim);
        }
    }

    /**
     * Inserts a {@code started} claim for every job that has none, and returns each job's claim: the new ones from
     * the insert, the older ones (a redelivery: {@code started}, with its outcome if it has one; a cancel:
     * {@code cancelled}) from the statement's snapshot.
     */
    private static final String CLAIM = "with added as (insert into control.job_claims (job_id, claim) "
            + "select id, 'started' from unnest(?::uuid[]) as ids(id) on conflict (job_id) do nothing "
            + "returning job_id, claim) "
            + "select job_id, claim, null as outcome from added union all "
            + "select c.job_id, c.claim, o.event from control.job_claims c "
            + "left join worker.job_outcomes o on o.job_id = c.job_id where c.job_id = any(?::uuid[])";

    private static final String READ = "select c.job_id, c.claim, o.event from control.job_claims c "
            + "left join worker.job_outcomes o on o.job_id = c.job_id where c.job_id = any(?::uuid[])";

    private final JdbcTemplate jdbc;

    JobClaims(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims {@code jobs} as started where nobody claimed them before, in one statement; returns every claim. */
    Map<UUID, Claim> start(Collection<UUID> jobs) {
        Map<UUID, Claim> claims = new HashMap<>();
        if (jobs.isEmpty()) {
            return claims;
        }
        UUID[] ids = jobs.toArray(UUID[]::new);
        jdbc.query(
                connection -> {
                    PreparedStatement statement = connection.prepareStatement(CLAIM);
                    Array array = connection.createArrayOf("uuid", ids);
                    statement.setArray(1, array);
                    statement.setArray(2, array);
                    return statement;
                },
                rs -> {
                    claims.put(rs.getObject(1, UUID.class), new Claim(rs.getString(2), rs.getString(3)));
                });
        // A cancel committed between the statement's snapshot and its insert is in neither part: read it now.
        List<UUID> unseen = new ArrayList<>();
        for (UUID id : ids) {
            if (!claims.containsKey(id)) {
                unseen.add(id);
            }
        }
        if (!unseen.isEmpty()) {
            jdbc.query(
                    connection -> {
                        PreparedStatement statement = connection.prepareStatement(READ);
                        statement.setArray(1, connection.createArrayOf("uuid", unseen.toArray()));
                        return statement;
                    },
                    rs -> {
                        claims.put(rs.getObject(1, UUID.class), new Claim(rs.getString(2), rs.getString(3)));
                    });
        }
        return claims;
    }
}
