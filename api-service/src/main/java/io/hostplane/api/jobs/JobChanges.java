package io.hostplane.api.jobs;

import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Tells waiting pollers ({@code GET /jobs/{id}?wait=…}) on this replica that a job changed. Events are folded
 * by whichever replica consumes them, so waiters also re-read the job once a second: a change made on
 * another replica is seen within a second, and no thread is held while waiting.
 */
@Component
class JobChanges {

    private final Sinks.Many<String> changes = Sinks.many().multicast().directBestEffort();

    void changed(String jobId) {
        changes.emitNext(jobId, Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(50)));
    }

    /** Ticks whenever {@code jobId} changed here, and at least once a second. */
    Flux<Object> ticks(String jobId) {
        return Flux.merge(changes.asFlux().filter(jobId::equals), Flux.interval(Duration.ofSeconds(1)));
    }
}
