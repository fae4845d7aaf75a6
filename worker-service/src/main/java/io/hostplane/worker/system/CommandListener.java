package io.hostplane.worker.system;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Takes commands from {@code hostplane.commands} (consumer group {@code hostplane-worker}; each partition,
 * hence each zone, is handled by one worker at a time, in order) and runs them: {@code running}, then
 * {@code succeeded} with warnings or {@code failed}, each sent to {@code hostplane.job-events} and
 * acknowledged by Kafka before the command's offset is committed.
 *
 * <p>A record that is not a readable command goes to {@code hostplane.commands.dlq} with the reason, and
 * the next one is taken. Transient backend faults are retried with exponential backoff and jitter.
 */
@Component
class CommandListener {

    static final String SOURCE = "/hostplane/worker-service";
    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    private final EventCodec codec;
    private final KafkaTemplate<String, String> kafka;
    private final JobOutcomeStore outcomes;
    private final JobClaims claims;
    private final Map<String, CommandHandler> handlers;
    private final int maxAttempts;
    private final Duration firstBackoff;

    CommandListener(
            EventCodec codec,
            KafkaTemplate<String, String> kafka,
            JobOutcomeStore outcomes,
            JobClaims claims,
            List<CommandHandler> handlers,
            @Value("${hostplane.worker.max-attempts:4}") int maxAttempts,
            @Value("${hostplane.worker.first-backoff:200ms}") Duration firstBackoff) {
        this.codec = codec;
        this.kafka = kafka;
        this.outcomes = outcomes;
        this.claims = claims;
        this.handlers = handlers.stream().collect(Collectors.toMap(CommandHandler::jobType, Function.identity()));
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
    }

    @KafkaListener(id = "worker-commands", topics = Topics.COMMANDS, groupId = Topics.WORKER_GROUP)
    void onCommand(ConsumerRecord<String, String> record) throws Exception {
        CloudEvent command;
        String jobType;
        UUID jobId;
        try {
            command = codec.read(record.value());
            jobType = EventTypes.jobTypeOfCommand(command.type());
            if (jobType == null) {
                throw new EventCodec.MalformedEventException("not a command type: " + command.type(), null);
            }
            if (command.jobid() == null) {
                throw new EventCodec.MalformedEventException("command without jobid", null);
            }
            jobId = UUID.fromString(command.jobid());
        } catch (RuntimeException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        var done = outcomes.find(jobId);
        if (done.isPresent()) {
            log.info("job {} already finished; sending its outcome again", jobId);
            send(jobId, done.get());
            return;
        }
        if (!claims.start(jobId)) {
            log.info("job {} was cancelled before it started; skipping it", jobId);
            finish(record.offset(), command, jobType, jobId, JobStatus.CANCELLED, 0, null, null);
            return;
        }
        CommandHandler handler = handlers.get(jobType);
        if (handler == null) {
            fail(record, command, jobType, jobId, 1, "UNSUPPORTED_JOB", "No handler for " + jobType + ".");
            return;
        }
        // Not waited for: the outcome follows on the same partition (keyed by job id) from the same idempotent
        // producer, so once the outcome is acknowledged this went before it; and were it lost, the job row
        // may move from queued straight to its outcome.
        kafka.send(
                Topics.JOB_EVENTS,
                jobId.toString(),
                codec.write(jobEvent(
                        command,
                        new JobStateChanged(jobId.toString(), jobType, JobStatus.RUNNING, 1, null, null, null))));
        int attempt = 1;
        while (true) {
            try {
                CommandHandler.Outcome outcome = handler.handle(command);
                finish(record.offset(), command, jobType, jobId, JobStatus.SUCCEEDED, attempt, outcome, null);
                return;
            } catch (JobFailure failure) {
                fail(record, command, jobType, jobId, attempt, failure.code(), failure.getMessage());
                return;
            } catch (TransientBackendException transientFault) {
                if (attempt >= maxAttempts) {
                    fail(
                            record,
                            command,
                            jobType,
                            jobId,
                            attempt,
                            ErrorCodes.BACKEND_ERROR,
                            "Backend failed " + attempt + " times: " + transientFault.getMessage());
                    return;
                }
                long base = firstBackoff.toMillis() << (attempt - 1);
                long sleep = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
                log.warn(
                        "job {} attempt {} failed ({}); retrying in {} ms",
                        jobId,
                        attempt,
                        transientFault.getMessage(),
                        sleep);
                Thread.sleep(sleep);
                attempt++;
            }
        }
    }

    private void fail(
            ConsumerRecord<String, String> record,
            CloudEvent command,
            String jobType,
            UUID jobId,
            int attempts,
            String code,
            String message)
            throws Exception {
        finish(record.offset(), command, jobType, jobId, JobStatus.FAILED, attempts, null, new JobError(code, message));
    }

    private void finish(
            long sequence,
            CloudEvent command,
            String jobType,
            UUID jobId,
            JobStatus status,
            int attempts,
            CommandHandler.Outcome outcome,
            JobError error)
            throws Exception {
        JobStateChanged change = new JobStateChanged(
                jobId.toString(),
                jobType,
                status,
                attempts,
                outcome == null ? List.of() : outcome.warnings(),
                error,
                outcome == null ? null : outcome.result(),
                sequence);
        String stored = outcomes.storeOnce(jobId, status.wireName(), codec.write(jobEvent(command, change)));
        send(jobId, stored);
    }

    private CloudEvent jobEvent(CloudEvent command, JobStateChanged change) {
        return codec.event(
                SOURCE,
                EventTypes.job(change.status()),
                command.subject(),
                command.tenant(),
                command.requestid(),
                change.jobId(),
                command.traceparent(),
                change);
    }

    private void send(UUID jobId, String event) throws Exception {
        kafka.send(Topics.JOB_EVENTS, jobId.toString(), event).get(30, TimeUnit.SECONDS);
    }

    private void deadLetter(ConsumerRecord<String, String> record, String reason) throws Exception {
        log.warn(
                "command at {}-{}@{} is unreadable, sent to {}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                Topics.COMMANDS_DLQ,
                reason);
        ProducerRecord<String, String> dead = new ProducerRecord<>(Topics.COMMANDS_DLQ, record.key(), record.value());
        dead.headers().add("hostplane-dlq-reason", String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
        dead.headers()
                .add(
                        "hostplane-dlq-source",
                        (record.topic() + "-" + record.partition() + "@" + record.offset())
                                .getBytes(StandardCharsets.UTF_8));
        kafka.send(dead).get(30, TimeUnit.SECONDS);
    }
}
