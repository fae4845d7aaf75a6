package io.hostplane.audit.replay;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.common.topic.Topics;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** A replay's job events on {@code hostplane.job-events}, where the API folds them into the replay's job. */
@Component
class ReplayReports {

    static final String SOURCE = "/hostplane/audit-service";
    private static final Logger log = LoggerFactory.getLogger(ReplayReports.class);

    private final EventCodec codec;
    private final KafkaTemplate<String, String> kafka;

    ReplayReports(EventCodec codec, KafkaTemplate<String, String> kafka) {
        this.codec = codec;
        this.kafka = kafka;
    }

    /**
     * Reports the replay of {@code command} at {@code status}: progress without waiting, an outcome confirmed by the
     * broker (throws if it is not: the replay then runs again and reports again).
     */
    void report(
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
