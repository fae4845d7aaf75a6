package io.hostplane.api.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Hands waiting pollers ({@code GET /jobs/{id}?wait=…}) on this replica the job as it is after a change, without
 * holding a thread. A poll folded here reads the jobs it changed that somebody waits on in one statement and
 * gives each waiter its job: one read per fold, not one per waiter. Events are folded by whichever replica
 * consumes them, so once a second one query reads every job waited on here and hands on those whose status
 * changed: a change made on another replica is seen within a second, at the cost of one query per second per
 * replica however many pollers wait.
 */
@Component
class JobChanges {

    private static final Logger log = LoggerFactory.getLogger(JobChanges.class);

    /** The waiters of one job: one signal, how many listen, and the status last seen. */
    private static final class Watch {
        final Sinks.Many<JobView> signal = Sinks.many().multicast().directBestEffort();
        final AtomicInteger waiters = new AtomicInteger();
        volatile String lastStatus;

        Watch(String status) {
            this.lastStatus = status;
        }
    }

    private final ConcurrentHashMap<String, Watch> watches = new ConcurrentHashMap<>();
    private final JobStore store;
    private final Counter foldReads;
    private final Counter sweepReads;

    JobChanges(JobStore store, MeterRegistry meters) {
        this.store = store;
        this.foldReads = Counter.builder("hostplane.jobs.wait.reads")
                .description("Reads of jobs for waiting pollers (one per fold or sweep that has any to hand on)")
                .tag("by", "fold")
                .register(meters);
        this.sweepReads = Counter.builder("hostplane.jobs.wait.reads")
                .description("Reads of jobs for waiting pollers (one per fold or sweep that has any to hand on)")
                .tag("by", "sweep")
                .register(meters);
        Gauge.builder("hostplane.jobs.waited.on", watches, Map::size)
                .description("Jobs that GET /jobs/{id}?wait= requests on this replica wait on")
                .register(meters);
    }

    /** The jobs of a committed fold: those waited on here are read (one statement) and handed to their waiters. */
    void changed(Collection<UUID> jobs) {
        if (watches.isEmpty()) {
            return;
        }
        UUID[] watched =
                jobs.stream().filter(id -> watches.containsKey(id.toString())).toArray(UUID[]::new);
        if (watched.length == 0) {
            return;
        }
        foldReads.increment();
        // Not waited for: the folding thread goes on with its next poll while the read runs.
        store.findAll(watched)
                .doOnNext(this::handFolded)
                .subscribe(
                        null,
                        error ->
                                log.warn("Reading changed jobs for waiting pollers failed (the sweep retries)", error));
    }

    /**
     * Every job {@code jobId} becomes after it was {@code knownStatus}, as handed on by a fold or the sweep
     * (possibly with the status unchanged: the caller filters).
     */
    Flux<JobView> views(String jobId, String knownStatus) {
        return Flux.defer(() -> {
            Watch watch = watches.compute(jobId, (id, existing) -> {
                Watch w = existing == null ? new Watch(knownStatus) : existing;
                w.waiters.incrementAndGet();
                return w;
            });
            return watch.signal
                    .asFlux()
                    .doFinally(signal ->
                            watches.computeIfPresent(jobId, (id, w) -> w.waiters.decrementAndGet() == 0 ? null : w));
        });
    }

    /** How many jobs are waited on here (for tests and metrics). */
    int watched() {
        return watches.size();
    }

    /** A fold's read: every waiter of the job gets it (the status it last saw is the sweep's to keep). */
    private void handFolded(JobView view) {
        Watch watch = watches.get(view.id());
        if (watch != null) {
            emit(watch, view);
        }
    }

    /**
     * The sweep's read: hands the job on when its status differs from what the sweep last saw. The fold's hand-on
     * does not move that mark on purpose: a waiter that registered just before a fold but subscribed just after
     * it missed the fold's hand-on, and is answered by the sweep within a second instead of at the end of its wait.
     */
    private void handSwept(JobView view) {
        Watch watch = watches.get(view.id());
        if (watch != null && !view.status().wireName().equals(watch.lastStatus)) {
            watch.lastStatus = view.status().wireName();
            emit(watch, view);
        }
    }

    private static void emit(Watch watch, JobView view) {
        // A fold's read and the sweep may hand on at the same moment: the second waits its turn.
        watch.signal.emitNext(view, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100)));
    }

    @Scheduled(fixedDelayString = "${hostplane.jobs.wait-sweep-interval-ms:1000}")
    void sweep() {
        if (watches.isEmpty()) {
            return;
        }
        UUID[] ids = watches.keySet().stream().map(UUID::fromString).toArray(UUID[]::new);
        sweepReads.increment();
        store.findAll(ids).doOnNext(this::handSwept).then().block(Duration.ofSeconds(10));
    }
}
