package io.hostplane.worker.system;

import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;

/**
 * How one job of a poll ended in this worker: its terminal status, the attempts it took, and the handler's outcome
 * (succeeded) or the error (failed; none when cancelled).
 */
record JobEnd(ReceivedCommand job, JobStatus status, int attempts, CommandHandler.Outcome outcome, JobError error) {

    static JobEnd of(ReceivedCommand job, int attempts, JobResult result) {
        return result.failure() != null
                ? failed(
                        job, attempts, result.failure().code(), result.failure().getMessage())
                : new JobEnd(job, JobStatus.SUCCEEDED, attempts, result.outcome(), null);
    }

    static JobEnd failed(ReceivedCommand job, int attempts, String code, String message) {
        return new JobEnd(job, JobStatus.FAILED, attempts, null, new JobError(code, message));
    }

    static JobEnd cancelled(ReceivedCommand job) {
        return new JobEnd(job, JobStatus.CANCELLED, 0, null, null);
    }
}
