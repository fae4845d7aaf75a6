package io.hostplane.api.jobs;

import io.hostplane.api.callbacks.CallbackStore;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Folds job events into job rows. Idempotent: a transition happens once (terminal states never change,
 * and a state is never entered twice), so a redelivered or duplicated event changes nothing, and a
 * feature's outcome is applied in the same transaction as the move to {@code succeeded}, exactly once.
 */
@Component
class JobEventFolder {

    private static final Logger log = LoggerFactory.getLogger(JobEventFolder.class);

    private final JobStore jobs;
    private final EventCodec codec;
    private final TransactionalOperator tx;
    private final Map<String, JobOutcomeApplier> appliers;

    private final JobChanges changes;

    private final CallbackStore callbacks;
    private final ActiveJobCounts activeJobs;

    JobEventFolder(
            JobStore jobs,
            EventCodec codec,
            TransactionalOperator tx,
            List<JobOutcomeApplier> appliers,
            JobChanges changes,
            CallbackStore callbacks,
            ActiveJobCounts activeJobs) {
        this.callbacks = callbacks;
        this.activeJobs = activeJobs;
        this.changes = changes;
        this.jobs = jobs;
        this.codec = codec;
        this.tx = tx;
        this.appliers = appliers.stream().collect(Collectors.toMap(JobOutcomeApplier::jobType, Function.identity()));
    }

    @KafkaListener(id = "api-job-events", topics = Topics.JOB_EVENTS, groupId = Topics.API_JOBS_GROUP)
    void onJobEvent(String payload) {
        CloudEvent event;
        JobStateChanged change;
        try {
            event = codec.read(payload);
            if (!EventTypes.isJobEvent(event.type())) {
                return;
            }
            change = codec.data(event, JobStateChanged.class);
        } catch (EventCodec.MalformedEventException e) {
            log.warn("skipping unreadable job event: {}", e.getMessage());
            return;
        }
        fold(event, change).block(Duration.ofSeconds(30));
        changes.changed(change.jobId());
    }

    Mono<Void> fold(CloudEvent event, JobStateChanged change) {
        UUID id = UUID.fromString(change.jobId());
        Instant at = event.time() == null ? Instant.now() : event.time();
        JobStatus status = change.status();
        Mono<Void> work = jobs.transition(
                        id, status, change.attempts(), change.warnings(), change.error(), change.result(), at)
                .flatMap(moved -> {
                    JobOutcomeApplier applier = appliers.get(change.jobType());
                    Mono<Void> applied = moved && status == JobStatus.SUCCEEDED && applier != null
                            ? applier.applySucceeded(id, event.tenant(), change)
                            : Mono.empty();
                    if (moved && status.isTerminal()) {
                        return applied.then(callbacks.enqueueIfTerminal(id))
                                .doOnSuccess(x -> activeJobs.finished(event.tenant()));
                    }
                    return applied;
                });
        return tx.transactional(work);
    }
}
