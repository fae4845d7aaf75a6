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
import java.util.ArrayList;
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
import reactor.core.publisher.Flux;
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

    private record Event(CloudEvent event, JobStateChanged change) {}

    /**
     * Folds one poll's events in one transaction, in partition order (one commit per batch instead of per
     * event). If the transaction fails, the whole batch is retried (the error handler retries for ever);
     * folding is idempotent, so events already folded by an earlier try change nothing.
     */
    @KafkaListener(id = "api-job-events", topics = Topics.JOB_EVENTS, groupId = Topics.API_JOBS_GROUP, batch = "true")
    void onJobEvents(List<String> payloads) {
        List<Event> events = new ArrayList<>(payloads.size());
        for (String payload : payloads) {
            try {
                CloudEvent event = codec.read(payload);
                if (EventTypes.isJobEvent(event.type())) {
                    events.add(new Event(event, codec.data(event, JobStateChanged.class)));
                }
            } catch (EventCodec.MalformedEventException e) {
                log.warn("skipping unreadable job event: {}", e.getMessage());
            }
        }
        if (events.isEmpty()) {
            return;
        }
        List<String> finishedTenants = new ArrayList<>();
        tx.transactional(Flux.fromIterable(events)
                        .concatMap(e -> foldWork(e.event(), e.change()).doOnNext(terminal -> {
                            if (terminal) {
                                finishedTenants.add(e.event().tenant());
                            }
                        }))
                        .then())
                .block(Duration.ofSeconds(60));
        finishedTenants.forEach(activeJobs::finished);
        events.forEach(e -> changes.changed(e.change().jobId()));
    }

    /** Folds one event in its own transaction. */
    Mono<Void> fold(CloudEvent event, JobStateChanged change) {
        return tx.transactional(foldWork(event, change).then());
    }

    /** Folds one event; emits whether it moved the job to a terminal state. */
    private Mono<Boolean> foldWork(CloudEvent event, JobStateChanged change) {
        UUID id = UUID.fromString(change.jobId());
        Instant at = event.time() == null ? Instant.now() : event.time();
        JobStatus status = change.status();
        return jobs.transition(id, status, change.attempts(), change.warnings(), change.error(), change.result(), at)
                .flatMap(moved -> {
                    JobOutcomeApplier applier = appliers.get(change.jobType());
                    Mono<Void> applied = moved && status == JobStatus.SUCCEEDED && applier != null
                            ? applier.applySucceeded(id, event.tenant(), change)
                            : Mono.empty();
                    boolean terminal = moved && status.isTerminal();
                    return (terminal ? applied.then(callbacks.enqueueIfTerminal(id)) : applied).thenReturn(terminal);
                });
    }
}
