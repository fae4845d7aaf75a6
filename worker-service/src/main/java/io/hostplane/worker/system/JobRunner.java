package io.hostplane.worker.system;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * One job's life in the worker: skipped when it already has an outcome (a redelivery: the stored outcome is
 * sent again) or was cancelled first; otherwise claimed, {@code running}, applied with retries, and its outcome
 * stored once and acknowledged by Kafka.
 *
 * <p>A transient backend fault, or an unexpected exception from a handler, is retried with exponential backoff
 * and jitter up to {@code hostplane.worker.max-attempts}; then the job fails ({@code BACKEND_ERROR}, or
 * {@code WORKER_ERROR} naming the exception). Only a fault of the worker's own infrastructure (its database)
 * propagates, so that the container retries the record until the database is back and nothing is lost.
 */
@Component
class JobRunner {

    /** A handler threw something it does not declare (a bug, or data it cannot handle). */
    static final String WORKER_ERROR = "WORKER_ERROR";

    static final String SOURCE = "/hostplane/worker-service";
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final EventCodec codec;
    private final KafkaTemplate<String, String> kafka;
    private final JobOutcomeStore outcomes;
    private final JobClaims claims;
    private final Map<String, CommandHandler> handlers;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final JobTracing tracing;

    JobRunner(
            JobTracing tracing,
            EventCodec codec,
            KafkaTemplate<String, String> kafka,
            JobOutcomeStore outcomes,
            JobClaims claims,
            List<CommandHandler> handlers,
            @Value("${hostplane.worker.max-attempts:4}") int maxAttempts,
            @Value("${hostplane.worker.first-backoff:200ms}") Duration firstBackoff) {
        this.tracing = tracing;
        this.codec = codec;
        this.kafka = kafka;
        this.outcomes = outcomes;
        this.claims = claims;
        this.handlers = handlers.stream().collect(Collectors.toMap(CommandHandler::jobType, Function.identity()));
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** Starts and runs one job, in its own span and log context ({@link JobTracing}). */
    void run(ReceivedCommand job) throws Exception {
        try (JobTracing.JobTrace trace = tracing.begin(job);
                JobTracing.Scope in = trace.enter()) {
            if (start(job)) {
                runStarted(job);
            }
        }
    }

    /** The job's span and log context, for runners that enter it around each step (a group's jobs). */
    JobTracing.JobTrace trace(ReceivedCommand job) {
        return tracing.begin(job);
    }

    /**
     * Claims the job and reports it {@code running}; false when it must not run (it already has an outcome,
     * was cancelled, or has no handler), its outcome then sent already.
     */
    boolean start(ReceivedCommand job) throws Exception {
        var done = outcomes.find(job.jobId());
        if (done.isPresent()) {
            log.info("job {} already finished; sending its outcome again", job.jobId());
            send(job, done.get());
            return false;
        }
        if (!claims.start(job.jobId())) {
            log.info("job {} was cancelled before it started; skipping it", job.jobId());
            finish(job, JobStatus.CANCELLED, 0, null, null);
            return false;
        }
        if (!handlers.containsKey(job.jobType())) {
            fail(job, 1, "UNSUPPORTED_JOB", "No handler for " + job.jobType() + ".");
            return false;
        }
        log.info(
                "job {} started: {} on {}",
                job.jobId(),
                job.jobType(),
                job.command().subject());
        // Not waited for: the outcome follows on the same partition (keyed by job id) from the same idempotent
        // producer, so once the outcome is acknowledged this went before it; and were it lost, the job row
        // may move from queued straight to its outcome.
        kafka.send(
                Topics.JOB_EVENTS,
                job.jobId().toString(),
                codec.write(jobEvent(
                        job.command(),
                        new JobStateChanged(
                                job.jobId().toString(), job.jobType(), JobStatus.RUNNING, 1, null, null, null))));
        return true;
    }

    /** Applies a started job with its handler, retrying what may pass, and reports the outcome. */
    void runStarted(ReceivedCommand job) throws Exception {
        CommandHandler handler = handlers.get(job.jobType());
        int attempt = 1;
        while (true) {
            try {
                finish(job, attempt, JobResult.succeeded(handler.handle(job.command())));
                return;
            } catch (JobFailure failure) {
                finish(job, attempt, JobResult.failed(failure));
                return;
            } catch (TransientBackendException transientFault) {
                if (attempt >= maxAttempts) {
                    fail(job, attempt, ErrorCodes.BACKEND_ERROR, backendFailed(attempt, transientFault));
                    return;
                }
                pause(job.jobId().toString(), attempt, transientFault.getMessage());
            } catch (RuntimeException unexpected) {
                if (isInfrastructure(unexpected)) {
                    throw unexpected;
                }
                if (attempt >= maxAttempts) {
                    log.error("job {} failed {} times with an unexpected error", job.jobId(), attempt, unexpected);
                    fail(job, attempt, WORKER_ERROR, unexpected(attempt, unexpected));
                    return;
                }
                pause(job.jobId().toString(), attempt, unexpected.toString());
            }
            attempt++;
        }
    }

    /** Stores and sends the outcome of a started job. */
    void finish(ReceivedCommand job, int attempts, JobResult result) throws Exception {
        if (result.failure() != null) {
            fail(job, attempts, result.failure().code(), result.failure().getMessage());
        } else {
            finish(job, JobStatus.SUCCEEDED, attempts, result.outcome(), null);
        }
    }

    void fail(ReceivedCommand job, int attempts, String code, String message) throws Exception {
        finish(job, JobStatus.FAILED, attempts, null, new JobError(code, message));
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
    void pause(String what, int attempt, String reason) throws InterruptedException {
        long base = firstBackoff.toMillis() << (attempt - 1);
        long sleep = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        log.warn("{} attempt {} failed ({}); retrying in {} ms", what, attempt, reason, sleep);
        Thread.sleep(sleep);
    }

    private void finish(
            ReceivedCommand job, JobStatus status, int attempts, CommandHandler.Outcome outcome, JobError error)
            throws Exception {
        JobStateChanged change = new JobStateChanged(
                job.jobId().toString(),
                job.jobType(),
                status,
                attempts,
                outcome == null ? List.of() : outcome.warnings(),
                error,
                outcome == null ? null : outcome.result(),
                job.offset());
        String stored =
                outcomes.storeOnce(job.jobId(), status.wireName(), codec.write(jobEvent(job.command(), change)));
        send(job, stored);
        if (error == null) {
            log.info("job {} {} after {} attempt(s)", job.jobId(), status.wireName(), attempts);
        } else {
            log.info("job {} {} after {} attempt(s): {}", job.jobId(), status.wireName(), attempts, error.code());
        }
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

    private void send(ReceivedCommand job, String event) throws Exception {
        kafka.send(Topics.JOB_EVENTS, job.jobId().toString(), event).get(30, TimeUnit.SECONDS);
    }
}
