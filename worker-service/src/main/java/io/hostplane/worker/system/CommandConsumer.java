package io.hostplane.worker.system;

import io.hostplane.common.topic.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads {@code hostplane.commands} (consumer group {@code hostplane-worker}) and runs different keys of a partition
 * at the same time while keeping each key's order: key-ordered parallel processing. A job's key names what it
 * changes ({@code tenant/zone/example.com}), so one tenant's burst on one zone no longer holds up every other zone
 * that hashes to the same partition.
 *
 * <p>One thread polls; it queues each record on its key's lane ({@link KeyedLanes}) and hands batches of the lanes'
 * turns to {@code hostplane.worker.concurrency} threads, each running one batch at a time ({@link
 * CommandBatchRunner}: one claim statement and one outcome statement per batch). It keeps reading ahead of unfinished
 * records, up to {@code hostplane.worker.max-in-flight-per-partition} per partition (then that partition is paused
 * until some finish), so that a job behind a long queue of another key is read and run soon. A partition's offset is
 * committed only up to its lowest unfinished record: a worker that dies leaves the unfinished records (and any
 * finished ones after them) to be read again by the next, whose claims and stored outcomes keep a job from being
 * applied twice.
 *
 * <p>When partitions are revoked (a rebalance, shutdown), the batches holding their records are waited for and their
 * offsets committed before they go; their queued records are dropped, to be read by the next owner. A batch that
 * fails (the worker's own database is down) gives back its unfinished records, which are run again after a backoff.
 */
@Component
public class CommandConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CommandConsumer.class);

    /** The most a failed batch's lanes wait before they are given out again. */
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(10);

    /** How long a revocation or shutdown waits for the batches it must see finished. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

    private record Ended(List<ConsumerRecord<String, String>> batch, int done) {}

    private final ConsumerFactory<String, String> consumers;
    private final CommandBatchRunner runner;
    private final int concurrency;
    private final int maxInFlightPerPartition;
    private final int maxBatch;
    private final KeyedLanes lanes;
    private final ConcurrentLinkedQueue<Ended> ended = new ConcurrentLinkedQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger readAhead = new AtomicInteger();

    private volatile boolean started;
    private volatile boolean pauseRequested;
    private volatile boolean paused;
    private volatile Consumer<String, String> consumer;
    private Thread poller;
    private ExecutorService batches;
    private int failures;

    CommandConsumer(
            ConsumerFactory<String, String> consumers,
            CommandBatchRunner runner,
            MeterRegistry meters,
            WorkerProperties settings) {
        this.consumers = consumers;
        this.runner = runner;
        this.concurrency = settings.concurrency();
        this.maxInFlightPerPartition = settings.maxInFlightPerPartition();
        this.maxBatch = settings.maxBatch();
        this.lanes = new KeyedLanes(maxBatch);
        Gauge.builder("hostplane.worker.batches.running", running, AtomicInteger::get)
                .description("Batches of commands being run")
                .register(meters);
        Gauge.builder("hostplane.worker.commands.unfinished", readAhead, AtomicInteger::get)
                .description("Commands read and not finished (queued on their key or in a batch)")
                .register(meters);
    }

    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        AtomicInteger threads = new AtomicInteger();
        batches = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "worker-batch-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        consumer = consumers.createConsumer(Topics.WORKER_GROUP, null, "-commands");
        poller = new Thread(this::pollLoop, "worker-commands-poll");
        poller.start();
    }

    @Override
    public void stop() {
        Thread stopping;
        synchronized (this) {
            if (!started) {
                return;
            }
            started = false;
            stopping = poller;
        }
        consumer.wakeup();
        try {
            stopping.join(DRAIN_TIMEOUT.toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        batches.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    /** Stops fetching records (the batches already given out go on); for tests that want records read together. */
    public void pause() {
        pauseRequested = true;
        wake();
    }

    /** True once fetching has stopped after {@link #pause()}. */
    public boolean isPaused() {
        return paused;
    }

    public void resume() {
        pauseRequested = false;
        wake();
    }

    private void pollLoop() {
        Consumer<String, String> kafka = consumer;
        try (kafka) {
            kafka.subscribe(List.of(Topics.COMMANDS), new Revocations(kafka));
            while (started) {
                try {
                    takeEnded();
                    handOut();
                    commit(kafka, false);
                    flowControl(kafka);
                    ConsumerRecords<String, String> records =
                            kafka.poll(running.get() > 0 ? Duration.ofMillis(100) : Duration.ofMillis(500));
                    for (ConsumerRecord<String, String> record : records) {
                        if (lanes.add(record)) {
                            readAhead.incrementAndGet();
                        }
                    }
                } catch (WakeupException | InterruptException woken) {
                    // a batch ended, or stop/pause/resume: look again
                } catch (RuntimeException e) {
                    log.warn("reading commands failed; trying again in a second: {}", e.toString());
                    sleep(Duration.ofSeconds(1));
                }
            }
            drain(lanes.partitions());
            commit(kafka, true);
        } catch (RuntimeException e) {
            log.error("the commands consumer stopped", e);
        }
    }

    /** Gives the lanes' waiting turns to free batch threads: about an equal share of what is ready for each. */
    private void handOut() {
        long now = System.nanoTime();
        while (running.get() < concurrency) {
            int ready = lanes.ready(now);
            if (ready == 0) {
                return;
            }
            int free = concurrency - running.get();
            int budget = Math.min(maxBatch, Math.max(1, (ready + free - 1) / free));
            List<ConsumerRecord<String, String>> batch = lanes.take(budget, now);
            if (batch.isEmpty()) {
                return;
            }
            running.incrementAndGet();
            batches.execute(() -> runBatch(batch));
        }
    }

    private void runBatch(List<ConsumerRecord<String, String>> batch) {
        int done;
        try {
            runner.run(batch);
            done = batch.size();
        } catch (CommandBatchRunner.Failed failed) {
            log.warn(
                    "a batch of {} commands failed after {} were done; the rest run again later",
                    batch.size(),
                    failed.done(),
                    failed);
            done = failed.done();
        } catch (RuntimeException | Error e) {
            log.error("a batch of {} commands failed; it runs again later", batch.size(), e);
            done = 0;
        }
        ended.add(new Ended(batch, done));
        running.decrementAndGet();
        wake();
    }

    /** Takes the ended batches' results: offsets finished, failed records back on their lanes after a backoff. */
    private void takeEnded() {
        Ended batch;
        while ((batch = ended.poll()) != null) {
            long retryAt = System.nanoTime();
            if (batch.done() < batch.batch().size()) {
                failures = Math.min(failures + 1, 10);
                long delay = Math.min(MAX_RETRY_DELAY.toMillis(), 250L << Math.min(failures, 6));
                retryAt += TimeUnit.MILLISECONDS.toNanos(delay);
            } else {
                failures = 0;
            }
            lanes.finished(batch.batch(), batch.done(), retryAt);
            readAhead.addAndGet(-batch.done());
        }
    }

    /** Pauses a partition with as many unfinished records as it may have, and resumes it when it has fewer. */
    private void flowControl(Consumer<String, String> kafka) {
        Set<TopicPartition> assigned = kafka.assignment();
        Set<TopicPartition> pausedNow = kafka.paused();
        List<TopicPartition> pausing = new ArrayList<>();
        List<TopicPartition> resuming = new ArrayList<>();
        for (TopicPartition tp : assigned) {
            boolean full = pauseRequested || lanes.unfinished(tp) >= maxInFlightPerPartition;
            if (full && !pausedNow.contains(tp)) {
                pausing.add(tp);
            } else if (!full && pausedNow.contains(tp)) {
                resuming.add(tp);
            }
        }
        if (!pausing.isEmpty()) {
            kafka.pause(pausing);
        }
        if (!resuming.isEmpty()) {
            kafka.resume(resuming);
        }
        paused = pauseRequested;
    }

    /** Commits each partition's lowest unfinished offset where it moved; synchronously when partitions leave. */
    private void commit(Consumer<String, String> kafka, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> commits = lanes.commits(lanes.partitions());
        commits.keySet().retainAll(kafka.assignment());
        commitOffsets(kafka, commits, sync);
    }

    private void commitOffsets(
            Consumer<String, String> kafka, Map<TopicPartition, OffsetAndMetadata> commits, boolean sync) {
        if (commits.isEmpty()) {
            return;
        }
        if (sync) {
            try {
                kafka.commitSync(commits);
            } catch (WakeupException woken) {
                kafka.commitSync(commits);
            }
            lanes.committed(commits);
        } else {
            // The callback runs on this thread, within a later poll.
            kafka.commitAsync(commits, (offsets, error) -> {
                if (error != null) {
                    log.debug("committing offsets failed (tried again with the next commit): {}", error.toString());
                    lanes.uncommitted(offsets);
                }
            });
            lanes.committed(commits);
        }
    }

    /** Waits until no batch holds records of {@code partitions}, taking the results of those that end. */
    private void drain(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        takeEnded();
        while (lanes.busy(partitions)) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("batches of " + partitions + " did not end within " + DRAIN_TIMEOUT);
            }
            sleep(Duration.ofMillis(5));
            takeEnded();
        }
    }

    private void wake() {
        Consumer<String, String> kafka = consumer;
        if (kafka != null) {
            kafka.wakeup();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Partitions leaving this worker: their batches are waited for and their offsets committed, then their queued
     * records dropped (their next owner reads them again from the committed offset).
     */
    private final class Revocations implements ConsumerRebalanceListener {

        private final Consumer<String, String> kafka;

        Revocations(Consumer<String, String> kafka) {
            this.kafka = kafka;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            Set<TopicPartition> leaving = new HashSet<>(revoked);
            drain(leaving);
            Map<TopicPartition, OffsetAndMetadata> commits = lanes.commits(leaving);
            try {
                commitOffsets(kafka, commits, true);
            } catch (RuntimeException e) {
                log.warn("committing the offsets of revoked partitions failed: {}", e.toString());
            }
            forget(leaving);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            Set<TopicPartition> gone = new HashSet<>(lost);
            drain(gone);
            forget(gone);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            if (!assigned.isEmpty()) {
                log.info("commands partitions assigned: {}", assigned);
            }
        }

        private void forget(Set<TopicPartition> partitions) {
            int dropped = 0;
            for (TopicPartition tp : partitions) {
                dropped += lanes.unfinished(tp);
            }
            lanes.forget(partitions);
            readAhead.addAndGet(-dropped);
            log.info("commands partitions revoked: {} ({} read records left to their next owner)", partitions, dropped);
        }
    }
}
