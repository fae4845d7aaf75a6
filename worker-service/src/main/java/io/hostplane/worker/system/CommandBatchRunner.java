package io.hostplane.worker.system;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.topic.Topics;
import io.hostplane.platform.LogFields;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;

/**
 * Runs one batch of {@code hostplane.commands} records that {@link CommandConsumer} hands over (the turns of some
 * keys, each key's records in offset order), with a handful of statements per batch rather than per job:
 *
 * <ol>
 *   <li>the batch's jobs are claimed in one statement, committed before any is applied, which also reads what was
 *       there before: a job the API cancelled first is skipped and reported {@code cancelled}, and a redelivered
 *       job's stored outcome is sent again instead of the change being applied twice;
 *   <li>the claimed jobs are applied in order: alone ({@link JobRunner}), or, where consecutive commands of one
 *       key change the same resource and a {@link CommandGroupHandler} can apply them together, as a group
 *       ({@link JobGroupRunner});
 *   <li>the outcomes are stored in one statement and their events sent without waiting, a segment at a time:
 *       whenever {@code hostplane.worker.outcome-flush-after} (20 ms) has passed since the segment began, and at
 *       the end of the batch, so that a long batch does not hold back the outcomes of its first jobs; a segment's
 *       changes of the worker's own database (DNS records, each in a savepoint) and its outcomes are one
 *       transaction, so a segment costs one commit however many jobs it holds;
 *   <li>the producer is flushed once and every send confirmed before the batch counts as done (and its records'
 *       offsets may be committed).
 * </ol>
 *
 * <p>{@code running} is sent only for jobs still at work after a while ({@link RunningReports}). A record that is
 * not a readable command goes to {@code hostplane.commands.dlq} with the reason. If the worker's own database
 * fails, the sends already made are confirmed and {@link Failed} says how many of the batch's records are done
 * (their outcomes stored and sent); the consumer gives the rest out again later, for as long as it takes.
 */
@Component
class CommandBatchRunner {

    private static final Logger log = LoggerFactory.getLogger(CommandBatchRunner.class);

    private final EventCodec codec;
    private final KafkaTemplate<String, String> kafka;
    private final JobRunner runner;
    private final JobGroupRunner groups;
    private final List<CommandGroupHandler> groupHandlers;
    private final JobClaims claims;
    private final JobOutcomeStore outcomes;
    private final RunningReports running;
    private final PlatformTransactionManager transactions;
    private final long flushAfterNanos;

    CommandBatchRunner(
            EventCodec codec,
            KafkaTemplate<String, String> kafka,
            JobRunner runner,
            JobGroupRunner groups,
            List<CommandGroupHandler> groupHandlers,
            JobClaims claims,
            JobOutcomeStore outcomes,
            RunningReports running,
            PlatformTransactionManager transactions,
            WorkerProperties settings) {
        this.transactions = transactions;
        this.codec = codec;
        this.kafka = kafka;
        this.runner = runner;
        this.groups = groups;
        this.groupHandlers = groupHandlers;
        this.claims = claims;
        this.outcomes = outcomes;
        this.running = running;
        this.flushAfterNanos = settings.outcomeFlushAfter().toNanos();
    }

    /**
     * A batch that did not finish: its first {@link #done} records have their outcomes stored and sent; the others
     * are to be run again (nothing of theirs is applied twice: their claims and stored outcomes say how far each
     * got).
     */
    static final class Failed extends RuntimeException {

        private final int done;

        Failed(String message, Throwable cause, int done) {
            super(message, cause);
            this.done = done;
        }

        int done() {
            return done;
        }
    }

    /**
     * Runs {@code records} (each key's records in offset order, a key's records together) to their outcomes, stored
     * and sent; throws {@link Failed} if that could not be done for all of them.
     */
    void run(List<ConsumerRecord<String, String>> records) {
        new Pass(records).run();
    }

    /** A record as read: the command, or why it is not a readable one. */
    private record Taken(ReceivedCommand command, String unreadable) {}

    /** A job that ended in this batch and whose outcome is not stored yet. */
    private record Ended(JobEnd end, String event, JobTracing.JobTrace trace) {}

    private record Grouping(CommandGroupHandler handler, String key) {}

    /** One batch, from its records to its confirmed sends. */
    private final class Pass {

        private final List<ConsumerRecord<String, String>> records;
        private final List<Taken> taken;
        private final List<CompletableFuture<?>> sends = new ArrayList<>();
        private final List<Ended> segment = new ArrayList<>();
        /** The first record whose outcome is not stored and sent yet: where a retry after a failure starts. */
        private int segmentStart;

        private long segmentSince = System.nanoTime();
        /**
         * The transaction the segment's grouped changes (DNS, on the worker's own database) and then its outcomes
         * are written in, open from the first such change to the segment's flush: one commit for all of them.
         */
        private TransactionStatus segmentTx;

        Pass(List<ConsumerRecord<String, String>> records) {
            this.records = records;
            this.taken = records.stream().map(CommandBatchRunner.this::take).toList();
        }

        void run() {
            try (RunningReports.Watch watch = running.watch(CommandBatchRunner.this::reportRunning)) {
                runAll(watch);
            } catch (RuntimeException | Error e) {
                rollbackSegment();
                segment.forEach(ended -> ended.trace().close());
                // The records before segmentStart are done once their sends are confirmed; if that fails too, the
                // whole batch is run again (its stored outcomes are sent again, nothing is applied twice).
                int retryFrom;
                try {
                    confirmSends();
                    retryFrom = segmentStart;
                } catch (RuntimeException sendsFailed) {
                    e.addSuppressed(sendsFailed);
                    retryFrom = 0;
                }
                throw new Failed("processing a command failed", e, retryFrom);
            }
            try {
                confirmSends();
            } catch (RuntimeException e) {
                throw new Failed("sending job events failed", e, 0);
            }
        }

        private void runAll(RunningReports.Watch watch) {
            Set<UUID> ids = new LinkedHashSet<>();
            taken.forEach(t -> {
                if (t.command() != null) {
                    ids.add(t.command().jobId());
                }
            });
            Map<UUID, JobClaims.Claim> claimed = claims.start(ids);
            Set<UUID> seen = new HashSet<>();
            int i = 0;
            while (i < records.size()) {
                ReceivedCommand command = taken.get(i).command();
                if (command == null) {
                    deadLetter(records.get(i), taken.get(i).unreadable());
                    i++;
                    continue;
                }
                int end = groupEnd(i);
                List<ReceivedCommand> runnable = new ArrayList<>();
                for (int k = i; k < end; k++) {
                    ReceivedCommand job = taken.get(k).command();
                    if (!seen.add(job.jobId())) {
                        continue; // a repeat within this batch: the first one's outcome goes out
                    }
                    JobClaims.Claim claim = claimed.get(job.jobId());
                    if (claim == null) {
                        throw new IllegalStateException("job " + job.jobId() + " has no claim after claiming it");
                    } else if (claim.outcome() != null) {
                        log.info("job {} already finished; sending its outcome again", job.jobId());
                        send(job, claim.outcome());
                    } else if (!claim.started()) {
                        end(JobEnd.cancelled(job), null);
                    } else if (!runner.handles(job.jobType())) {
                        end(
                                JobEnd.failed(
                                        job, 1, ErrorCodes.UNSUPPORTED_JOB, "No handler for " + job.jobType() + "."),
                                null);
                    } else {
                        runnable.add(job);
                    }
                }
                if (segmentTx != null && !runnable.isEmpty() && groupingOf(runnable.get(0)) == null) {
                    // The changes and outcomes so far are made durable and sent before a job of another kind runs.
                    flush(i, watch);
                }
                apply(runnable, watch);
                i = end;
                if (System.nanoTime() - segmentSince >= flushAfterNanos) {
                    flush(i, watch);
                }
            }
            flush(records.size(), watch);
        }

        /** The end (exclusive) of the run of records from {@code first} that may be applied together. */
        private int groupEnd(int first) {
            Grouping grouping = groupingOf(taken.get(first).command());
            int end = first + 1;
            if (grouping != null) {
                while (end < records.size()
                        && taken.get(end).command() != null
                        && taken.get(end - 1)
                                .command()
                                .sameKeyBefore(taken.get(end).command())
                        && grouping.equals(groupingOf(taken.get(end).command()))) {
                    end++;
                }
            }
            return end;
        }

        private void apply(List<ReceivedCommand> jobs, RunningReports.Watch watch) {
            if (jobs.isEmpty()) {
                return;
            }
            Instant started = Instant.now();
            Map<ReceivedCommand, JobTracing.JobTrace> traces = new LinkedHashMap<>();
            for (ReceivedCommand job : jobs) {
                JobTracing.JobTrace trace = runner.trace(job);
                traces.put(job, trace);
                try (JobTracing.Scope in = trace.enter()) {
                    log.debug(
                            "job {} started: {} on {}",
                            job.jobId(),
                            job.jobType(),
                            job.command().subject());
                }
                watch.started(job, started, trace);
            }
            List<JobEnd> ends;
            Grouping grouping = groupingOf(jobs.get(0));
            if (grouping == null) {
                // A job of another kind (files, nginx, a zone) runs on its own, outside any transaction of the batch.
                try (JobTracing.Scope in = traces.get(jobs.get(0)).enter()) {
                    ends = List.of(runner.apply(jobs.get(0)));
                }
            } else if (jobs.size() == 1) {
                openSegment();
                try (JobTracing.Scope in = traces.get(jobs.get(0)).enter()) {
                    ends = groups.apply(grouping.handler(), grouping.key(), jobs, traces);
                }
            } else {
                openSegment();
                String tenant = jobs.get(0).command().tenant();
                try (MDC.MDCCloseable groupTenant = MDC.putCloseable(LogFields.TENANT, tenant == null ? "" : tenant)) {
                    ends = groups.apply(grouping.handler(), grouping.key(), jobs, traces);
                }
            }
            for (JobEnd end : ends) {
                JobTracing.JobTrace trace = traces.get(end.job());
                try (JobTracing.Scope in = trace.enter()) {
                    segment.add(new Ended(end, runner.outcomeEvent(end, started), trace));
                }
            }
        }

        /** A job that ends without being applied (cancelled first, or of a type no handler takes). */
        private void end(JobEnd end, Instant startedAt) {
            JobTracing.JobTrace trace = runner.trace(end.job());
            try (JobTracing.Scope in = trace.enter()) {
                if (end.status() == io.hostplane.common.job.JobStatus.CANCELLED) {
                    log.info(
                            "job {} was cancelled before it started; skipping it",
                            end.job().jobId());
                }
                segment.add(new Ended(end, runner.outcomeEvent(end, startedAt), trace));
            }
        }

        /** Stores the segment's outcomes (one statement) and sends them without waiting. */
        private void flush(int next, RunningReports.Watch watch) {
            if (!segment.isEmpty()) {
                segment.forEach(ended -> watch.ended(ended.end().job().jobId()));
                Map<UUID, String> stored = outcomes.storeOnce(segment.stream()
                        .map(e -> new JobOutcomeStore.Outcome(
                                e.end().job().jobId(), e.end().status().wireName(), e.event()))
                        .toList());
                commitSegment();
                for (Ended ended : segment) {
                    try (JobTracing.Scope in = ended.trace().enter()) {
                        send(ended.end().job(), stored.get(ended.end().job().jobId()));
                        JobRunner.logEnd(ended.end());
                    } finally {
                        ended.trace().close();
                    }
                }
                segment.clear();
            }
            commitSegment();
            segmentStart = next;
            segmentSince = System.nanoTime();
        }

        private void openSegment() {
            if (segmentTx == null) {
                segmentTx = transactions.getTransaction(TransactionDefinition.withDefaults());
            }
        }

        /** Commits the segment's transaction, if one is open: its changes and outcomes are durable together. */
        private void commitSegment() {
            if (segmentTx != null) {
                TransactionStatus committing = segmentTx;
                segmentTx = null;
                transactions.commit(committing);
            }
        }

        private void rollbackSegment() {
            if (segmentTx != null) {
                TransactionStatus rolling = segmentTx;
                segmentTx = null;
                try {
                    transactions.rollback(rolling);
                } catch (RuntimeException e) {
                    log.warn("rolling back a batch's transaction failed: {}", e.toString());
                }
            }
        }

        private void send(ReceivedCommand job, String event) {
            sends.add(kafka.send(Topics.JOB_EVENTS, job.jobId().toString(), event));
        }

        private void deadLetter(ConsumerRecord<String, String> record, String reason) {
            log.warn(
                    "command at {}-{}@{} is unreadable, sent to {}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    Topics.COMMANDS_DLQ,
                    reason);
            ProducerRecord<String, String> dead =
                    new ProducerRecord<>(Topics.COMMANDS_DLQ, record.key(), record.value());
            dead.headers().add("hostplane-dlq-reason", reason.getBytes(StandardCharsets.UTF_8));
            dead.headers()
                    .add(
                            "hostplane-dlq-source",
                            (record.topic() + "-" + record.partition() + "@" + record.offset())
                                    .getBytes(StandardCharsets.UTF_8));
            sends.add(kafka.send(dead));
        }

        /** Flushes the producer once and waits for every send of the batch: then its records' offsets may be committed. */
        private void confirmSends() {
            if (sends.isEmpty()) {
                return;
            }
            kafka.flush();
            try {
                CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while confirming job events", e);
            } catch (Exception e) {
                throw new IllegalStateException("job events were not acknowledged by Kafka", e);
            }
        }
    }

    /** Sends the {@code running} event of a job at work for a while (from {@link RunningReports}' timer). */
    private void reportRunning(ReceivedCommand job, Instant startedAt, JobTracing.JobTrace trace) {
        try (JobTracing.Scope in = trace.enter()) {
            log.info("job {} is still at work; reporting it running", job.jobId());
            kafka.send(Topics.JOB_EVENTS, job.jobId().toString(), runner.runningEvent(job, startedAt));
        } catch (RuntimeException e) {
            // Best effort: the outcome follows, and the job row may move from queued straight to it.
            log.warn("could not report job {} running: {}", job.jobId(), e.toString());
        }
    }

    private Grouping groupingOf(ReceivedCommand command) {
        for (CommandGroupHandler handler : groupHandlers) {
            String key = handler.groupKey(command.jobType(), command.command());
            if (key != null) {
                return new Grouping(handler, key);
            }
        }
        return null;
    }

    private Taken take(ConsumerRecord<String, String> record) {
        try {
            CloudEvent command = codec.read(record.value());
            String jobType = EventTypes.jobTypeOfCommand(command.type());
            if (jobType == null) {
                throw new EventCodec.MalformedEventException("not a command type: " + command.type(), null);
            }
            if (command.jobid() == null) {
                throw new EventCodec.MalformedEventException("command without jobid", null);
            }
            return new Taken(
                    new ReceivedCommand(
                            record.partition(),
                            record.offset(),
                            record.key(),
                            command,
                            jobType,
                            UUID.fromString(command.jobid())),
                    null);
        } catch (RuntimeException e) {
            return new Taken(null, String.valueOf(e.getMessage()));
        }
    }
}
