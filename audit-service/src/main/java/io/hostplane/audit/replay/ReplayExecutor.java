package io.hostplane.audit.replay;

import io.hostplane.audit.ingest.AuditIngestor;
import io.hostplane.audit.system.AuditProperties;
import io.hostplane.audit.system.AuditSchema;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.ReplayAudit;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.Warning;
import io.hostplane.platform.KafkaTopicsProperties;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Runs replays, one at a time per audit service replica, from the replay log ({@code audit_replay.log}): what
 * {@link ReplayListener} recorded as received and is not finished — after a restart too, so a replay accepted
 * with {@code 202} always ends. A replay is run under a PostgreSQL advisory lock on its job id, so two replicas
 * never run the same one. It reports {@code running} with progress, then {@code succeeded}, {@code failed} or
 * {@code cancelled} on {@code hostplane.job-events}, where the API folds them into the job.
 *
 * <p>A rebuild of the store stops the live ingest while it fills the chains from the topics, and starts it
 * after: the live consumer then reads on from each chain's tail ({@link AuditIngestor} seeks there on
 * assignment), so what came later is appended in offset order.
 */
@Component
class ReplayExecutor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ReplayExecutor.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
    private static final Duration CANCEL_CHECK_EVERY = Duration.ofMillis(500);

    private final ReplayLog replays;
    private final ReplayReports reports;
    private final EventCodec codec;
    private final KafkaTemplate<String, String> kafka;
    private final KafkaAdmin admin;
    private final ConsumerFactory<String, String> consumers;
    private final KafkaListenerEndpointRegistry listeners;
    private final AuditIngestor ingestor;
    private final AuditSchema schema;
    private final AuditProperties properties;
    private final int partitions;

    private final Set<UUID> cancelled = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private Producer<byte[], byte[]> replayProducer;
    private volatile boolean running;
    private Thread thread;

    ReplayExecutor(
            ReplayLog replays,
            ReplayReports reports,
            EventCodec codec,
            KafkaTemplate<String, String> kafka,
            KafkaAdmin admin,
            ConsumerFactory<String, String> consumers,
            KafkaListenerEndpointRegistry listeners,
            AuditIngestor ingestor,
            AuditSchema schema,
            AuditProperties properties,
            KafkaTopicsProperties topics) {
        this.replays = replays;
        this.reports = reports;
        this.codec = codec;
        this.kafka = kafka;
        this.admin = admin;
        this.consumers = consumers;
        this.listeners = listeners;
        this.ingestor = ingestor;
        this.schema = schema;
        this.properties = properties;
        this.partitions = topics.partitions();
    }

    /** Records a replay command (once, however often it is delivered) and wakes the runner. */
    void received(UUID jobId, String command) {
        replays.received(jobId, command);
        wake.release();
    }

    /** Records a cancellation; a running replay stops at its next poll, a waiting one never starts. */
    void cancel(UUID jobId) {
        replays.cancel(jobId);
        cancelled.add(jobId);
        wake.release();
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "audit-replay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        wake.release();
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The producer of replays into topics, made at the first one and kept (only the replay thread uses and closes
     * it): the service's producer settings (acks=all, idempotent), with bytes in and out, so that a replayed record
     * is copied as it was read, without a String or Spring's per-send wrapping on the way (docs/benchmarks.md).
     */
    private Producer<byte[], byte[]> replayProducer() {
        if (replayProducer == null) {
            Map<String, Object> config =
                    new HashMap<>(kafka.getProducerFactory().getConfigurationProperties());
            config.put(
                    ProducerConfig.CLIENT_ID_CONFIG,
                    config.getOrDefault(ProducerConfig.CLIENT_ID_CONFIG, "audit") + "-replay");
            config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
            replayProducer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return replayProducer;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        try {
            while (running) {
                try {
                    runPending();
                } catch (RuntimeException e) {
                    log.warn("looking for replays to run failed, will look again: {}", e.toString());
                }
                try {
                    wake.tryAcquire(5, TimeUnit.SECONDS);
                    wake.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
            }
        } finally {
            closeReplayProducer();
        }
    }

    /**
     * Closed by the replay thread as it ends, never by {@link #stop}: a replay that outlives stop's wait would
     * otherwise make the producer again after it was closed, or send on a closed one.
     */
    private void closeReplayProducer() {
        if (replayProducer != null) {
            Thread.interrupted(); // stop's interrupt: with it set, close would skip the graceful flush
            try {
                replayProducer.close(Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                log.warn("closing the replay producer failed: {}", e.toString());
            }
            replayProducer = null;
        }
    }

    private void runPending() {
        for (ReplayLog.Pending p : replays.pending(20)) {
            if (!running) {
                return;
            }
            try (ReplayLog.Lock lock = replays.tryLock(p.jobId())) {
                if (lock == null) {
                    continue; // another replica runs it
                }
                if (!replays.finished(p.jobId())) {
                    run(p);
                }
            } catch (SQLException e) {
                log.warn("cannot lock replay {}, will try again: {}", p.jobId(), e.toString());
            }
        }
    }

    /**
     * Asked between polls: a cancellation this replica received is seen at once; one that another replica
     * recorded, within {@link #CANCEL_CHECK_EVERY} (the database is not asked at every poll: a poll takes a few
     * milliseconds, the query about as long).
     */
    private boolean cancelSeen(UUID jobId, long[] lastCheck) {
        if (cancelled.contains(jobId)) {
            return true;
        }
        if (System.nanoTime() - lastCheck[0] < CANCEL_CHECK_EVERY.toNanos()) {
            return false;
        }
        lastCheck[0] = System.nanoTime();
        return cancelRequested(jobId);
    }

    private boolean cancelRequested(UUID jobId) {
        if (cancelled.contains(jobId)) {
            return true;
        }
        boolean asked = replays.cancelRequested(jobId);
        if (asked) {
            cancelled.add(jobId);
        }
        return asked;
    }

    /** Runs one replay to its end and reports it; never throws for the replay's own faults. */
    private void run(ReplayLog.Pending p) {
        CloudEvent command = codec.read(p.command());
        ReplayAudit replay;
        try {
            replay = codec.data(command, ReplayAudit.class);
        } catch (RuntimeException e) {
            report(
                    command,
                    JobStatus.FAILED,
                    null,
                    List.of(),
                    new JobError(ErrorCodes.INVALID_COMMAND, e.getMessage()),
                    null);
            markFinished(p.jobId());
            return;
        }
        UUID jobId = p.jobId();
        if (cancelRequested(jobId)) {
            report(command, JobStatus.CANCELLED, null, List.of(), null, Map.of("cancelled", true, "records_read", 0));
            markFinished(jobId);
            return;
        }
        log.info("replay {} into {} starting", jobId, replay.target());
        report(command, JobStatus.RUNNING, 0, List.of(), null, null);
        boolean rebuild = ReplayAudit.Target.STORE.equals(replay.target().kind());
        MessageListenerContainer live = rebuild ? listeners.getListenerContainer("audit-ingest") : null;
        ReplayRun.Sink sink = null;
        long[] lastReport = {System.nanoTime()};
        long[] lastCancelCheck = {System.nanoTime()};
        try (Consumer<byte[], byte[]> consumer = consumer(jobId, replay)) {
            if (rebuild) {
                // Stopped, not paused: a consumer retrying a poll against dropped tables only leaves its retry
                // loop when its container stops. Started again afterwards, it reads on from each chain's tail.
                if (live == null) {
                    throw new ReplayRun.ReplayFailure(ErrorCodes.REPLAY_FAILED, "The live ingest is not running here.");
                }
                live.stop();
                schema.migrate(); // tables dropped on purpose come back, empty, before the chains are refilled
            }
            sink = sink(replay, jobId);
            ReplayRun run = new ReplayRun(consumer, codec, replay, sink);
            ReplayRun.Outcome outcome = run.run(
                    rebuild ? this::startOfChain : null,
                    percent -> {
                        if (percent > 0 && System.nanoTime() - lastReport[0] >= PROGRESS_EVERY.toNanos()) {
                            lastReport[0] = System.nanoTime();
                            log.info("replay {} at {} %", jobId, percent);
                            report(command, JobStatus.RUNNING, percent, List.of(), null, null);
                        }
                    },
                    () -> !running || cancelSeen(jobId, lastCancelCheck));
            if (outcome.cancelled() && !running) {
                sink.abandon();
                log.info("replay {} interrupted by shutdown; it runs again at the next start", jobId);
                return;
            }
            if (outcome.cancelled()) {
                sink.abandon();
                report(command, JobStatus.CANCELLED, null, run.warnings(), null, outcome.asResult(replay.target()));
            } else {
                report(command, JobStatus.SUCCEEDED, 100, run.warnings(), null, outcome.asResult(replay.target()));
            }
            log.info(
                    "replay {} {}: {} records read, {} written",
                    jobId,
                    outcome.cancelled() ? "cancelled" : "done",
                    outcome.read(),
                    outcome.written());
            markFinished(jobId);
        } catch (ReplayRun.ReplayFailure e) {
            abandon(sink);
            report(command, JobStatus.FAILED, null, List.of(), new JobError(e.code, e.getMessage()), null);
            markFinished(jobId);
        } catch (Exception e) {
            abandon(sink);
            if (!running) {
                return; // shutting down: it runs again at the next start
            }
            log.warn("replay {} failed: {}", jobId, e.toString());
            report(
                    command,
                    JobStatus.FAILED,
                    null,
                    List.of(),
                    new JobError(ErrorCodes.REPLAY_FAILED, e.toString()),
                    null);
            markFinished(jobId);
        } finally {
            if (live != null && !live.isRunning()) {
                live.start();
            }
        }
    }

    private static void abandon(ReplayRun.Sink sink) {
        if (sink != null) {
            sink.abandon();
        }
    }

    /** Where a rebuild starts a chain: after its last stored link, or at the start of what the topic holds. */
    private long startOfChain(org.apache.kafka.common.TopicPartition tp) {
        long last = ingestor.lastLinkOffset(tp.topic(), tp.partition());
        return last >= 0 ? last + 1 : 0;
    }

    private ReplayRun.Sink sink(ReplayAudit replay, UUID jobId) throws Exception {
        return switch (replay.target().kind()) {
            case ReplayAudit.Target.TOPIC ->
                ReplaySinks.topic(replayProducer(), admin, replay.target().topic(), partitions, jobId);
            case ReplayAudit.Target.FILE ->
                ReplaySinks.file(properties.replay().dir(), replay.target().path(), codec);
            case ReplayAudit.Target.STORE -> ReplaySinks.store(ingestor);
            default ->
                throw new ReplayRun.ReplayFailure(
                        ErrorCodes.REPLAY_TARGET_INVALID,
                        "Unknown target " + replay.target().kind());
        };
    }

    /**
     * The replay's own consumer: the service's consumer settings, assigned (no group, nothing committed), bytes
     * in: a record is decoded only where a filter or the store needs its text.
     */
    private Consumer<byte[], byte[]> consumer(UUID jobId, ReplayAudit replay) {
        int batch = properties.replay().batch();
        if (replay.rate() != null) {
            batch = Math.max(1, Math.min(batch, replay.rate()));
        }
        Map<String, Object> config = new HashMap<>(consumers.getConfigurationProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "audit-replay-" + jobId.toString().substring(0, 8));
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void markFinished(UUID jobId) {
        replays.markFinished(jobId);
        cancelled.remove(jobId);
    }

    private void report(
            CloudEvent command,
            JobStatus status,
            Integer progress,
            List<Warning> warnings,
            JobError error,
            Object result) {
        reports.report(command, status, progress, warnings, error, result);
    }
}
