package io.hostplane.api.jobs;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Tells waiting pollers ({@code GET /jobs/{id}?wait=…}) on this replica that a job changed, without holding
 * a thread. A change folded here ticks at once. Events are folded by whichever replica consumes them, so
 * once a second one query reads the status of every job waited on here and ticks those that changed: a
 * change made on another replica is seen within a second, at the cost of one query per second per replica
 * however many pollers wait.
 */
@Component
class JobChanges {

    /** The waiters of one job: one signal, how many listen, and the status last seen. */
    private static final class Watch {
        final Sinks.Many<Object> signal = Sinks.many().multicast().directBestEffort();
        final AtomicInteger waiters = new AtomicInteger();
        volatile String lastStatus;

        Watch(String status) {
            this.lastStatus = status;
        }
    }

    private final ConcurrentHashMap<String, Watch> watches = new ConcurrentHashMap<>();
    private final DatabaseClient db;

    JobChanges(DatabaseClient db) {
        this.db = db;
    }

    void changed(String jobId) {
        Watch watch = watches.get(jobId);
        if (watch != null) {
            watch.signal.tryEmitNext(Boolean.TRUE);
        }
    }

    /** Ticks whenever {@code jobId} may have changed from {@code knownStatus}; the caller re-reads it. */
    Flux<Object> ticks(String jobId, String knownStatus) {
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

    @Scheduled(fixedDelayString = "${hostplane.jobs.wait-sweep-interval-ms:1000}")
    void sweep() {
        if (watches.isEmpty()) {
            return;
        }
        UUID[] ids = watches.keySet().stream().map(UUID::fromString).toArray(UUID[]::new);
        db.sql("select id, status from api.jobs where id = any(:ids)")
                .bind("ids", ids)
                .map((row, meta) ->
                        new String[] {row.get("id", UUID.class).toString(), row.get("status", String.class)})
                .all()
                .doOnNext(found -> {
                    Watch watch = watches.get(found[0]);
                    if (watch != null && !found[1].equals(watch.lastStatus)) {
                        watch.lastStatus = found[1];
                        watch.signal.tryEmitNext(Boolean.TRUE);
                    }
                })
                .then()
                .block(Duration.ofSeconds(10));
    }
}
