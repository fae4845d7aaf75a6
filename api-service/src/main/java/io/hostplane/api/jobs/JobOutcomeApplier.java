package io.hostplane.api.jobs;

import io.hostplane.common.event.JobStateChanged;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a feature does to its own tables when one of its jobs succeeds (e.g. the DNS feature records the
 * applied record). Runs in the same transaction as the job's move to {@code succeeded}.
 */
public interface JobOutcomeApplier {

    /** A job that has just succeeded, as its event says. */
    record Succeeded(UUID jobId, String tenant, JobStateChanged event) {}

    /** The job type this applier handles, e.g. {@code dns.record.create}. */
    String jobType();

    Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event);

    /**
     * The outcomes of one poll's succeeded jobs of this type. One job after the other by default; appliers of
     * frequent job types do it with one statement.
     */
    default Mono<Void> applyAll(List<Succeeded> jobs) {
        return Flux.fromIterable(jobs)
                .concatMap(job -> applySucceeded(job.jobId(), job.tenant(), job.event()))
                .then();
    }
}
