package io.hostplane.api.jobs;

import io.hostplane.common.job.JobStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * The job engine's meters, on {@code /actuator/prometheus}: jobs accepted and finished by type (and outcome),
 * and the time from acceptance to the outcome being folded into the job row — what a caller polling
 * {@code GET /jobs/{id}} waits — as a histogram. Counted where it happens exactly once across replicas:
 * acceptance by the replica that answered 202, outcomes by the replica whose transaction moved the row.
 */
@Component
class JobMetrics {

    private final Meter.MeterProvider<Counter> accepted;
    private final Meter.MeterProvider<Counter> finished;
    private final Meter.MeterProvider<Timer> latency;

    JobMetrics(MeterRegistry registry) {
        accepted = Counter.builder("hostplane.jobs.accepted")
                .description("Jobs accepted (202), by type")
                .withRegistry(registry);
        finished = Counter.builder("hostplane.jobs.finished")
                .description("Jobs that reached a terminal state, by type and state")
                .withRegistry(registry);
        latency = Timer.builder("hostplane.jobs.latency")
                .description("From acceptance to the outcome visible at GET /jobs/{id}, by type and state")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .withRegistry(registry);
    }

    void accepted(String type) {
        accepted.withTag("type", type).increment();
    }

    void finished(String type, JobStatus status, Duration sinceAccepted) {
        finished.withTags("type", type, "status", status.wireName()).increment();
        latency.withTags("type", type, "status", status.wireName())
                .record(sinceAccepted.isNegative() ? Duration.ZERO : sinceAccepted);
    }
}
