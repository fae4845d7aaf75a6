package io.hostplane.api.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How jobs are accepted and waited on. The active-job default, {@code hostplane.jobs.max-active-per-tenant}, is a
 * tenant limit and is bound by the limits feature.
 *
 * @param activeCountFreshness how long a replica trusts a tenant's count of queued and running jobs before it
 *     counts again (a replica counts the jobs it accepts itself at once)
 * @param waitNotifications whether long polls ({@code GET /jobs/{id}?wait=}) on every replica are woken by a
 *     PostgreSQL notification from the replica that folded or cancelled the job; false: by the once-a-second sweep
 *     alone ({@code hostplane.jobs.wait-sweep-interval-ms}), e.g. behind a connection pooler that cannot LISTEN
 * @param accept how accepted jobs are written
 */
@ConfigurationProperties("hostplane.jobs")
public record JobsProperties(
        @DefaultValue("1s") Duration activeCountFreshness,
        @DefaultValue("true") boolean waitNotifications,
        @DefaultValue @NestedConfigurationProperty Accept accept) {

    /**
     * Group commit of accepted jobs.
     *
     * @param maxBatch the most jobs written in one statement (one transaction)
     * @param maxInFlight the most such statements at once: two let one commit while the next is sent
     */
    public record Accept(
            @DefaultValue("256") int maxBatch,
            @DefaultValue("2") int maxInFlight) {}
}
