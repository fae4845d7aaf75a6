package io.hostplane.api.jobs;

import io.hostplane.common.event.JobStateChanged;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * What a feature does to its own tables when one of its jobs succeeds (e.g. the DNS feature records the
 * applied record). Runs in the same transaction as the job's move to {@code succeeded}.
 */
public interface JobOutcomeApplier {

    /** The job type this applier handles, e.g. {@code dns.record.create}. */
    String jobType();

    Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event);
}
