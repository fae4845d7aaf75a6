package io.hostplane.audit.replay;

import io.hostplane.audit.ingest.AuditIngestor;
import io.hostplane.audit.system.AuditProperties;
import io.hostplane.audit.system.AuditSchema;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.event.ReplayAudit;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.common.topic.Topics;
import io.hostplane.platform.KafkaTopicsProperties;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import javax.sql.DataSource;
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
import org.springframework.jdbc.core.JdbcTemplate;
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

    static final String SOURCE = "/hostplane/audit-service";
    private static final Logger log = LoggerFactory.getLogger(ReplayExecutor.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);
    private static final Duration CANCEL_CHECK_EVERY = Duration.ofMillis(500);

    private final JdbcTemplate jdbc;
    private final DataSource dataSource;
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
            JdbcTemplate jdbc,
            DataSource dataSource,
            EventCodec codec,
            KafkaTemplate<String, String> kafka,
            KafkaAdmin admin,
            ConsumerFactory<String, String> consumers,
            KafkaListenerEndpointRegistry listeners,
            AuditIngestor ingestor,
            AuditSchema schema,
            AuditProperties properties,
            KafkaTopicsProperties topics) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
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
        jdbc.update(
                "insert into audit_replay.log (job_id, state, command) values (?, 'received', ?::jsonb) "
                        + "on conflict do nothing",
                jobId,
                command);
        wake.release();
    }

    /** Records a cancellation; a running replay stops at its next poll, a waiting one never starts. */
    void cancel(UUID jobId) {
        jdbc.update("insert into audit_replay.log (job_id, state) values (?, 'cancel') on conflict do nothing", jobId);
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

    private record Pending(UUID jobId, String command) {}

    private void runPending() {
        List<Pending> pending = jdbc.query(
                "select r.job_id, r.command::text from audit_replay.log r where r.state = 'received' and not exists "
                        + "(select 1 from audit_replay.log f where f.job_id = r.job_id and f.state = 'finished') "
                        + "order by r.at limit 20",
                (rs, n) -> new Pending(rs.getObject(1, UUID.class), rs.getString(2)));
        for (Pending p : pending) {
            if (!running) {
                return;
            }
            try (Connection lock = dataSource.getConnection()) {
                if (!advisory(lock, "pg_try_advisory_lock", p.jobId())) {
                    continue; // another replica runs it
                }
                try {
                    if (!finished(p.jobId())) {
                        run(p);
                    }
                } finally {
                    advisory(lock, "pg_advisory_unlock", p.jobId());
                }
            } catch (SQLException e) {
                log.warn("cannot lock replay {}, will try again: {}", p.jobId(), e.toString());
            }
        }
    }

    private static boolean advisory(Connection c, String function, UUID jobId) throws SQLException {
        try (PreparedStatement s =
                c.prepareStatement("select " + function + "(hashtext('audit.replay'), hashtext(?))")) {
            s.setString(1, jobId.toString());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private boolean finished(UUID jobId) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists (select 1 from audit_replay.log where job_id = ? and state = 'finished')",
                Boolean.class,
                jobId));
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
        boolean asked = Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists (select 1 from audit_replay.log where job_id = ? and state = 'cancel')",
                Boolean.class,
                jobId));
        if (asked) {
            cancelled.add(jobId);
        }
        return asked;
    }

    /** Runs one replay to its end and reports it; never throws for the replay's own faults. */
    private void run(Pending p) {
        CloudEvent command = codec.read(p.command());
        ReplayAudit replay;
        try {
            replay = codec.data(command, ReplayAudit.class);
        } catch (RuntimeException e) {
            report(command, JobStatus.FAILED, null, List.of(), new JobError("INVALID_COMMAND", e.getMessage()), null);
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
                    throw new ReplayRun.ReplayFailure("REPLAY_FAILED", "The live ingest is not running here.");
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
            report(command, JobStatus.FAILED, null, List.of(), new JobError("REPLAY_FAILED", e.toString()), null);
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
                        "REPLAY_TARGET_INVALID",
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
        jdbc.update(
                "insert into audit_replay.log (job_id, state) values (?, 'finished') on conflict do nothing", jobId);
        cancelled.remove(jobId);
    }

    private void report(
            CloudEvent command,
            JobStatus status,
            Integer progress,
            List<Warning> warnings,
            JobError error,
            Object result) {
        JobStateChanged change = new JobStateChanged(
                command.jobid(),
                JobTypes.AUDIT_REPLAY,
                status,
                1,
                warnings,
                error,
                result == null ? null : codec.tree(result),
                null,
                progress);
        CloudEvent event = codec.event(
                SOURCE,
                EventTypes.job(status),
                command.subject(),
                command.tenant(),
                command.requestid(),
                command.jobid(),
                command.traceparent(),
                change);
        String value = codec.write(event);
        if (!status.isTerminal()) {
            // Progress is not waited for: the replay reads on while the broker acknowledges it (the first report
            // after a start also waits for the producer to connect). Sent by the same idempotent producer under
            // the job's key, it still arrives before the outcome.
            try {
                kafka.send(Topics.JOB_EVENTS, command.jobid(), value).whenComplete((sent, e) -> {
                    if (e != null) {
                        log.warn("cannot report progress of replay {}: {}", command.jobid(), e.toString());
                    }
                });
            } catch (RuntimeException e) {
                log.warn("cannot report progress of replay {}: {}", command.jobid(), e.toString());
            }
            return;
        }
        try {
            kafka.send(Topics.JOB_EVENTS, command.jobid(), value).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Not finished then: the replay runs again, and reports again.
            throw new IllegalStateException("cannot report replay " + command.jobid() + " " + status, e);
        }
    }
}
