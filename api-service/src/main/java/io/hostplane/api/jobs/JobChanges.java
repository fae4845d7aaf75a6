package io.hostplane.api.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Hands waiting pollers ({@code GET /jobs/{id}?wait=…}) on this replica the job as it is after a change, without
 * holding a thread. A change committed on this replica (a fold, a cancel) or announced by another one
 * ({@link JobNotifications}) names the jobs it changed; those waited on here are read in one statement and each
 * waiter is given its job: one read per change, not one per waiter. Once a second (the fallback, for
 * announcements missed while the listening connection was down) one query reads every job waited on here and
 * hands on those whose status changed.
 */
@Component
class JobChanges {

    private static final Logger log = LoggerFactory.getLogger(JobChanges.class);

    /** What a wait waits for: {@code ?until=change} (the default) or {@code ?until=terminal}. */
    enum Until {
        /** The job's status differs from the one the request first read. */
        CHANGE,
        /** The job is succeeded, failed or cancelled. */
        TERMINAL;

        boolean reached(JobView first, JobView now) {
            return this == TERMINAL ? now.status().isTerminal() : now.status() != first.status();
        }
    }

    /** The waiters of one job, and the status the sweep last saw (null until it has looked). */
    private static final class Watch {
        final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();
        volatile String lastStatus;
    }

    /**
     * One waiting request. It keeps every view of its job handed on from the moment it was registered, until the
     * request takes them: a change handed on before the request has read the job is not lost.
     */
    final class Waiter implements AutoCloseable {
        private final String jobId;
        private final Sinks.Many<JobView> handed = Sinks.many().unicast().onBackpressureBuffer();

        private Waiter(String jobId) {
            this.jobId = jobId;
        }

        /** Every view handed on since registration, then every later one. One subscriber. */
        Flux<JobView> views() {
            return handed.asFlux();
        }

        private void hand(JobView view) {
            // A fold's read, an announcement's read and the sweep may hand on at the same moment: one at a time.
            synchronized (this) {
                handed.tryEmitNext(view);
            }
        }

        @Override
        public void close() {
            watches.computeIfPresent(jobId, (id, watch) -> {
                watch.waiters.remove(this);
                return watch.waiters.isEmpty() ? null : watch;
            });
        }
    }

    private final ConcurrentHashMap<String, Watch> watches = new ConcurrentHashMap<>();
    private final JobStore store;
    private final Counter foldReads;
    private final Counter notificationReads;
    private final Counter sweepReads;
    private final Counter answeredAtOnce;
    private final Counter answeredOnChange;
    private final Counter answeredAtWaitEnd;

    JobChanges(JobStore store, MeterRegistry meters) {
        this.store = store;
        String reads = "Reads of jobs for waiting pollers (one per change, notification or sweep that has any to hand"
                + " on)";
        this.foldReads = Counter.builder("hostplane.jobs.wait.reads")
                .description(reads)
                .tag("by", "fold")
                .register(meters);
        this.notificationReads = Counter.builder("hostplane.jobs.wait.reads")
                .description(reads)
                .tag("by", "notification")
                .register(meters);
        this.sweepReads = Counter.builder("hostplane.jobs.wait.reads")
                .description(reads)
                .tag("by", "sweep")
                .register(meters);
        String answers = "Long polls (GET /jobs/{id}?wait=) answered: from the first read, on the change waited for,"
                + " or when the wait ended";
        this.answeredAtOnce = Counter.builder("hostplane.jobs.wait.answers")
                .description(answers)
                .tag("when", "at_once")
                .register(meters);
        this.answeredOnChange = Counter.builder("hostplane.jobs.wait.answers")
                .description(answers)
                .tag("when", "on_change")
                .register(meters);
        this.answeredAtWaitEnd = Counter.builder("hostplane.jobs.wait.answers")
                .description(answers)
                .tag("when", "at_wait_end")
                .register(meters);
        Gauge.builder("hostplane.jobs.waited.on", watches, Map::size)
                .description("Jobs that GET /jobs/{id}?wait= requests on this replica wait on")
                .register(meters);
    }

    /**
     * The job as {@code read} gives it if it is terminal or {@code atOnce} says so; else the first view handed on
     * for which {@code until} holds; else, when {@code wait} has passed, {@code atWaitEnd}.
     *
     * <p>The waiter is registered <em>before</em> {@code read} runs. Read first and register after, and a change
     * committed in between is handed on while nobody here waits for it: the request would hold for its whole wait
     * (or until the sweep) although its answer was ready. Registered first, such a change is either seen by the
     * read or handed on to the waiter, which keeps it until the request looks.
     */
    Mono<JobView> await(
            UUID id,
            Mono<JobView> read,
            Until until,
            Predicate<JobView> atOnce,
            Duration wait,
            Mono<JobView> atWaitEnd) {
        return Mono.using(
                () -> register(id.toString()),
                waiter -> read.flatMap(first -> first.status().isTerminal() || atOnce.test(first)
                        ? Mono.just(first).doOnNext(job -> answeredAtOnce.increment())
                        : waiter.views()
                                .filter(now -> until.reached(first, now))
                                .next()
                                .doOnNext(job -> answeredOnChange.increment())
                                .timeout(wait, atWaitEnd.doOnSubscribe(s -> answeredAtWaitEnd.increment()))),
                Waiter::close);
    }

    /** A waiter for {@code jobId}, handed every view of the job from now on; close it when done. */
    Waiter register(String jobId) {
        Waiter waiter = new Waiter(jobId);
        watches.compute(jobId, (id, existing) -> {
            Watch watch = existing == null ? new Watch() : existing;
            watch.waiters.add(waiter);
            return watch;
        });
        return waiter;
    }

    /** Jobs changed by a transaction this replica committed (a fold, a cancel): see {@link #handOn}. */
    void changed(Collection<UUID> jobs) {
        handOn(jobs, foldReads);
    }

    /** Jobs changed by a transaction another replica committed, as it announced them: see {@link #handOn}. */
    void announced(Collection<UUID> jobs) {
        handOn(jobs, notificationReads);
    }

    /** Every job waited on here, handed on as if announced (once announcements may have been missed). */
    void announcedAll() {
        handOn(watches.keySet().stream().map(UUID::fromString).toList(), notificationReads);
    }

    /** Those of {@code jobs} waited on here are read (one statement) and handed to their waiters. */
    private void handOn(Collection<UUID> jobs, Counter reads) {
        if (watches.isEmpty()) {
            return;
        }
        UUID[] watched =
                jobs.stream().filter(id -> watches.containsKey(id.toString())).toArray(UUID[]::new);
        if (watched.length == 0) {
            return;
        }
        reads.increment();
        // Not waited for: the folding (or listening) thread goes on while the read runs.
        store.findAll(watched)
                .doOnNext(this::handChanged)
                .subscribe(
                        null,
                        error ->
                                log.warn("Reading changed jobs for waiting pollers failed (the sweep retries)", error));
    }

    /** How many jobs are waited on here (for tests and metrics). */
    int watched() {
        return watches.size();
    }

    /** A change's read: every waiter of the job gets it (the status it last saw is the sweep's to keep). */
    private void handChanged(JobView view) {
        Watch watch = watches.get(view.id());
        if (watch != null) {
            watch.waiters.forEach(waiter -> waiter.hand(view));
        }
    }

    /** The sweep's read: hands the job on when its status differs from what the sweep last saw. */
    private void handSwept(JobView view) {
        Watch watch = watches.get(view.id());
        if (watch != null && !view.status().wireName().equals(watch.lastStatus)) {
            watch.lastStatus = view.status().wireName();
            watch.waiters.forEach(waiter -> waiter.hand(view));
        }
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
