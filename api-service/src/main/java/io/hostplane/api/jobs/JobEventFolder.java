package io.hostplane.api.jobs;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.Warning;
import io.hostplane.common.topic.Topics;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

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
    private final JobNotifications notifications;

    private final JobEndings endings;
    private final ActiveJobCounts activeJobs;
    private final JobMetrics metrics;

    JobEventFolder(
            JobStore jobs,
            EventCodec codec,
            TransactionalOperator tx,
            List<JobOutcomeApplier> appliers,
            JobChanges changes,
            JobNotifications notifications,
            JobEndings endings,
            ActiveJobCounts activeJobs,
            JobMetrics metrics) {
        this.notifications = notifications;
        this.metrics = metrics;
        this.endings = endings;
        this.activeJobs = activeJobs;
        this.changes = changes;
        this.jobs = jobs;
        this.codec = codec;
        this.tx = tx;
        this.appliers = appliers.stream().collect(Collectors.toMap(JobOutcomeApplier::jobType, Function.identity()));
    }

    private record Event(CloudEvent event, JobStateChanged change) {}

    /**
     * Folds one poll's events in one transaction, set-based: per job the furthest state the poll holds (an
     * outcome over {@code running}; the earliest event time as its start), all moved by one statement, then
     * the succeeded jobs' outcomes applied by their features and the callbacks of the finished ones (those with a
     * callback URL, which the move tells) queued by one more, and the moved jobs named to the other replicas by one
     * more ({@link JobNotifications}). After the commit this replica's own waiters are handed their jobs
     * ({@link JobChanges}). If the transaction fails, the whole poll is retried (the error handler retries for
     * ever); folding is idempotent, so events already folded by an earlier try change nothing.
     *
     * <p>One event whose outcome cannot be applied (a result the feature cannot read: a bug in a worker, not an
     * outage) must not stop every other job on these partitions for ever. So when the poll fails with such an
     * error, its events are folded one by one, and the one that still fails is folded without its feature's
     * projection: the job gets its true state, a {@code RESULT_NOT_RECORDED} warning and an error in the log.
     * Outages (database, network, timeouts) are not such errors: the poll is retried as before.
     */
    @KafkaListener(id = "api-job-events", topics = Topics.JOB_EVENTS, groupId = Topics.API_JOBS_GROUP, batch = "true")
    void onJobEvents(List<String> payloads) {
        List<Event> events = new ArrayList<>(payloads.size());
        for (String payload : payloads) {
            try {
                CloudEvent event = codec.read(payload);
                if (EventTypes.isJobEvent(event.type())) {
                    JobStateChanged change = codec.data(event, JobStateChanged.class);
                    UUID.fromString(String.valueOf(change.jobId()));
                    events.add(new Event(event, change));
                }
            } catch (EventCodec.MalformedEventException | IllegalArgumentException e) {
                log.warn("skipping unreadable job event: {}", e.getMessage());
            }
        }
        if (events.isEmpty()) {
            return;
        }
        try {
            fold(events, true);
        } catch (RuntimeException e) {
            if (!isBadData(e)) {
                throw e;
            }
            log.warn(
                    "folding {} job events together failed ({}); folding them one by one", events.size(), e.toString());
            for (Event event : events) {
                try {
                    fold(List.of(event), true);
                } catch (RuntimeException alone) {
                    if (!isBadData(alone)) {
                        throw alone;
                    }
                    log.error(
                            "job {}: its {} outcome could not be applied to the API's view ({}); folding its state"
                                    + " without it",
                            event.change().jobId(),
                            event.change().jobType(),
                            alone.toString());
                    fold(List.of(event), false);
                }
            }
        }
    }

    static final Warning RESULT_NOT_RECORDED = new Warning(
            "SYSTEM",
            ErrorCodes.RESULT_NOT_RECORDED,
            "The change was applied, but the API could not record its result; what the API shows of the resource may"
                    + " be stale until its next change. Operators have been told.");

    /** An error in what an event says, which no retry can cure (as opposed to an outage, which one can). */
    static boolean isBadData(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException
                    || t instanceof NullPointerException
                    || t instanceof ClassCastException
                    || t instanceof JacksonException
                    || t instanceof DataIntegrityViolationException
                    || t instanceof R2dbcDataIntegrityViolationException
                    || t instanceof R2dbcBadGrammarException) {
                return true;
            }
        }
        return false;
    }

    private void fold(List<Event> events, boolean applyOutcomes) {
        Map<UUID, Event> furthest = new LinkedHashMap<>();
        Map<UUID, Instant> earliest = new HashMap<>();
        for (Event e : events) {
            UUID id = UUID.fromString(e.change().jobId());
            earliest.merge(id, started(e), (a, b) -> a.isBefore(b) ? a : b);
            Event kept = furthest.get(id);
            if (kept == null
                    || e.change().status().ordinal() > kept.change().status().ordinal()
                    || (e.change().status() == kept.change().status()
                            && progress(e.change()) > progress(kept.change()))) {
                furthest.put(id, e);
            }
        }
        List<JobStore.Transition> moves = new ArrayList<>(furthest.size());
        furthest.forEach((id, e) -> moves.add(new JobStore.Transition(
                id,
                e.change().status(),
                e.change().attempts(),
                jobs.jsonText(warnings(e.change(), applyOutcomes)),
                jobs.jsonText(e.change().error()),
                jobs.jsonText(e.change().result()),
                time(e.event()),
                earliest.get(id),
                e.change().progress())));
        List<String> finishedTenants = new ArrayList<>();
        List<Runnable> finishedMeters = new ArrayList<>();
        Mono<Void> work = jobs.transitionAll(moves)
                .collectMap(JobStore.Moved::id)
                .flatMap(moved -> {
                    List<UUID> withCallback = new ArrayList<>();
                    List<UUID> ended = new ArrayList<>();
                    List<Event> succeeded = new ArrayList<>();
                    furthest.forEach((id, e) -> {
                        if (moved.containsKey(id) && e.change().status().isTerminal()) {
                            JobStore.Moved row = moved.get(id);
                            ended.add(id);
                            if (row.callback()) {
                                withCallback.add(id);
                            }
                            finishedMeters.add(() -> metrics.finished(
                                    row.type(), e.change().status(), Duration.between(row.createdAt(), Instant.now())));
                            finishedTenants.add(e.event().tenant());
                            if (e.change().status() == JobStatus.SUCCEEDED && applyOutcomes) {
                                succeeded.add(e);
                            }
                        }
                    });
                    // The other replicas' waiters hear of the moved jobs when (and only if) this commits.
                    return applied(succeeded)
                            .then(endings.ended(ended, withCallback))
                            .then(notifications.announce(moved.keySet()));
                });
        tx.transactional(work).block(Duration.ofSeconds(60));
        finishedTenants.forEach(activeJobs::finished);
        // Counted after the commit, so a retried poll does not count its jobs twice.
        finishedMeters.forEach(Runnable::run);
        changes.changed(furthest.keySet());
    }

    private static int progress(JobStateChanged change) {
        return change.progress() == null ? -1 : change.progress();
    }

    private static List<Warning> warnings(JobStateChanged change, boolean applyOutcomes) {
        List<Warning> warnings = new ArrayList<>(change.warnings() == null ? List.of() : change.warnings());
        if (!applyOutcomes && change.status() == JobStatus.SUCCEEDED) {
            warnings.add(RESULT_NOT_RECORDED);
        }
        return warnings;
    }

    private static Instant time(CloudEvent event) {
        return event.time() == null ? Instant.now() : event.time();
    }

    /**
     * When the job started, as far as this event tells: the worker's start time where the event carries one (an
     * outcome without a {@code running} event before it does), else the event's own time.
     */
    private static Instant started(Event e) {
        return e.change().startedAt() != null ? e.change().startedAt() : time(e.event());
    }

    /** The features' outcomes of the jobs that have just succeeded: one call per job type, in the poll's order. */
    private Mono<Void> applied(List<Event> succeeded) {
        Map<String, List<JobOutcomeApplier.Succeeded>> byType = new LinkedHashMap<>();
        for (Event e : succeeded) {
            if (appliers.containsKey(e.change().jobType())) {
                byType.computeIfAbsent(e.change().jobType(), type -> new ArrayList<>())
                        .add(new JobOutcomeApplier.Succeeded(
                                UUID.fromString(e.change().jobId()), e.event().tenant(), e.change()));
            }
        }
        return Flux.fromIterable(byType.entrySet())
                .concatMap(type -> appliers.get(type.getKey()).applyAll(type.getValue()))
                .then();
    }
}
