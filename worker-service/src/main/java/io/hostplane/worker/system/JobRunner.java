package io.hostplane.worker.system;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Applies one started job with its handler and says how it ended; builds the job events the worker sends about it.
 *
 * <p>A transient backend fault, or an unexpected exception from a handler, is retried with exponential backoff
 * and jitter up to {@code hostplane.worker.max-attempts}; then the job fails ({@code BACKEND_ERROR}, or
 * {@code ErrorCodes.WORKER_ERROR} naming the exception). Only a fault of the worker's own infrastructure (its database)
 * propagates, so that the container retries the record until the database is back and nothing is lost.
 */
@Component
class JobRunner {

    /** A handler threw something it does not declare (a bug, or data it cannot handle). */
    static final String SOURCE = "/hostplane/worker-service";

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final EventCodec codec;
    private final Map<String, CommandHandler> handlers;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final JobTracing tracing;

    JobRunner(JobTracing tracing, EventCodec codec, List<CommandHandler> handlers, WorkerProperties settings) {
        this.tracing = tracing;
        this.codec = codec;
        this.handlers = handlers.stream().collect(Collectors.toMap(CommandHandler::jobType, Function.identity()));
        this.maxAttempts = settings.maxAttempts();
        this.firstBackoff = settings.firstBackoff();
    }

    int maxAttempts() {
        return maxAttempts;
    }

    boolean handles(String jobType) {
        return handlers.containsKey(jobType);
    }

    /** The job's span and log context ({@link JobTracing}), entered around each step on the job. */
    JobTracing.JobTrace trace(ReceivedCommand job) {
        return tracing.begin(job);
    }

    /** Applies a started job with its handler, retrying what may pass; how it ended. */
    JobEnd apply(ReceivedCommand job) {
        CommandHandler handler = handlers.get(job.jobType());
        int attempt = 1;
        while (true) {
            try {
                return JobEnd.of(job, attempt, JobResult.succeeded(handler.handle(job.command())));
            } catch (JobFailure failure) {
                return JobEnd.of(job, attempt, JobResult.failed(failure));
            } catch (TransientBackendException transientFault) {
                if (attempt >= maxAttempts) {
                    return JobEnd.failed(
                            job, attempt, ErrorCodes.BACKEND_ERROR, backendFailed(attempt, transientFault));
                }
                pause(job.jobId().toString(), attempt, transientFault.getMessage());
            } catch (RuntimeException unexpected) {
                if (isInfrastructure(unexpected)) {
                    throw unexpected;
                }
                if (attempt >= maxAttempts) {
                    log.error("job {} failed {} times with an unexpected error", job.jobId(), attempt, unexpected);
                    return JobEnd.failed(job, attempt, ErrorCodes.WORKER_ERROR, unexpected(attempt, unexpected));
                }
                pause(job.jobId().toString(), attempt, unexpected.toString());
            }
            attempt++;
        }
    }

    static String backendFailed(int attempts, TransientBackendException fault) {
        return "Backend failed " + attempts + " times: " + fault.getMessage();
    }

    private static String unexpected(int attempts, RuntimeException e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (text.length() > 500) {
            text = text.substring(0, 500) + "…";
        }
        return "The worker failed " + attempts + " times with an unexpected error (" + text + ").";
    }

    /** The worker's own database is unreachable: not the job's fault, so the record is retried until it is back. */
    static boolean isInfrastructure(RuntimeException e) {
        return e instanceof TransientDataAccessException
                || e instanceof RecoverableDataAccessException
                || e instanceof DataAccessResourceFailureException
                || e instanceof CannotCreateTransactionException;
    }

    /** Sleeps before attempt {@code attempt + 1}: exponential backoff with jitter. */
    void pause(String what, int attempt, String reason) {
        long base = firstBackoff.toMillis() << (attempt - 1);
        long sleep = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        log.warn("{} attempt {} failed ({}); retrying in {} ms", what, attempt, reason, sleep);
        try {
            Thread.sleep(sleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry " + what, e);
        }
    }

    /**
     * The terminal event of {@code end}, with the time the worker started the job (so that the job row has a start
     * even when no {@code running} event was sent) and the command's offset as its sequence. Call it in the job's
     * trace scope: the event carries the job span's {@code traceparent}.
     */
    String outcomeEvent(JobEnd end, Instant startedAt) {
        ReceivedCommand job = end.job();
        CommandHandler.Outcome outcome = end.outcome();
        return codec.write(jobEvent(
                job.command(),
                new JobStateChanged(
                        job.jobId().toString(),
                        job.jobType(),
                        end.status(),
                        end.attempts(),
                        outcome == null ? List.of() : outcome.warnings(),
                        end.error(),
                        outcome == null ? null : outcome.result(),
                        job.offset(),
                        null,
                        startedAt)));
    }

    /** The {@code running} event of a job that has been at work for a while. */
    String runningEvent(ReceivedCommand job, Instant startedAt) {
        return codec.write(jobEvent(
                job.command(),
                new JobStateChanged(
                        job.jobId().toString(),
                        job.jobType(),
                        JobStatus.RUNNING,
                        1,
                        null,
                        null,
                        null,
                        null,
                        null,
                        startedAt)));
    }

    private CloudEvent jobEvent(CloudEvent command, JobStateChanged change) {
        return codec.event(
                SOURCE,
                EventTypes.job(change.status()),
                command.subject(),
                command.tenant(),
                command.requestid(),
                change.jobId(),
                tracing.traceparent(command),
                change);
    }

    /** Logs how the job ended, in its context. */
    static void logEnd(JobEnd end) {
        ReceivedCommand job = end.job();
        if (end.error() == null) {
            log.info("job {} {} after {} attempt(s)", job.jobId(), end.status().wireName(), end.attempts());
        } else {
            log.info(
                    "job {} {} after {} attempt(s): {}",
                    job.jobId(),
                    end.status().wireName(),
                    end.attempts(),
                    end.error().code());
        }
    }
}
