package io.hostplane.worker.system;

/** How one job of a group ended: succeeded with an outcome, or failed (the job's own failure, not the group's). */
public record JobResult(CommandHandler.Outcome outcome, JobFailure failure) {

    public static JobResult succeeded(CommandHandler.Outcome outcome) {
        return new JobResult(outcome, null);
    }

    public static JobResult failed(JobFailure failure) {
        return new JobResult(null, failure);
    }
}
