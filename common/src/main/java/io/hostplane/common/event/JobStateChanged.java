package io.hostplane.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.Warning;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A job moved to {@code status}. Emitted by the worker on topic {@code hostplane.job-events}, keyed by job
 * id; {@code result} and {@code warnings} come with {@code succeeded}, {@code error} with {@code failed}.
 * {@code sequence} is the command's offset in its partition of {@code hostplane.commands}: all commands of
 * one resource share a partition, so it orders the outcomes of one resource even when their job events,
 * keyed by job id, are folded out of order. {@code progress} (0–100) comes with {@code running} where the work
 * knows how far it is (a replay does); a later {@code running} with more progress moves the job's progress on.
 * {@code startedAt} is when the worker started the job: a quick job's outcome comes without a {@code running}
 * event before it (the worker sends {@code running} only for jobs still at work after a while), and its start
 * travels with the outcome instead.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStateChanged(
        String jobId,
        String jobType,
        JobStatus status,
        int attempts,
        List<Warning> warnings,
        JobError error,
        JsonNode result,
        Long sequence,
        Integer progress,
        Instant startedAt) {

    /** Without {@code startedAt}. */
    public JobStateChanged(
            String jobId,
            String jobType,
            JobStatus status,
            int attempts,
            List<Warning> warnings,
            JobError error,
            JsonNode result,
            Long sequence,
            Integer progress) {
        this(jobId, jobType, status, attempts, warnings, error, result, sequence, progress, null);
    }

    /** Without {@code progress}. */
    public JobStateChanged(
            String jobId,
            String jobType,
            JobStatus status,
            int attempts,
            List<Warning> warnings,
            JobError error,
            JsonNode result,
            Long sequence) {
        this(jobId, jobType, status, attempts, warnings, error, result, sequence, null, null);
    }

    /** Without {@code sequence}: the position of the job's command in its resource's ordered stream. */
    public JobStateChanged(
            String jobId,
            String jobType,
            JobStatus status,
            int attempts,
            List<Warning> warnings,
            JobError error,
            JsonNode result) {
        this(jobId, jobType, status, attempts, warnings, error, result, null, null, null);
    }
}
