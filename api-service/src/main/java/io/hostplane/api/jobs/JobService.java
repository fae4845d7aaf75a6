package io.hostplane.api.jobs;

import io.hostplane.api.outbox.Outbox;
import io.hostplane.api.outbox.OutboxPublisher;
import io.hostplane.api.system.ApiEvents;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestContext;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.CancelReplay;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

/**
 * Accepts jobs: the job row ({@code queued}), its command in the outbox and whatever the caller changes
 * alongside (e.g. a new domain row) are written in one transaction, so that a {@code 202} always has a
 * command that will reach Kafka, and a failure leaves nothing behind. The command carries the request's
 * trace context ({@code traceparent}), so that the worker continues the request's trace.
 */
@Service
public class JobService {

    /** Reactor context key under which a request\'s checked callback URL reaches job acceptance. */
    public static final String CALLBACK_URL_KEY = "hostplane.callbackUrl";

    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final JobStore jobs;
    private final EventCodec codec;
    private final TransactionalOperator tx;
    private final Outbox outbox;

    private final DatabaseClient db;
    private final JobEndings endings;
    private final ActiveJobCounts activeJobs;
    private final AcceptanceBatcher batcher;

    private final JobMetrics metrics;
    private final JobChanges changes;
    private final JobNotifications notifications;

    JobService(
            JobStore jobs,
            EventCodec codec,
            TransactionalOperator tx,
            Outbox outbox,
            DatabaseClient db,
            JobEndings endings,
            ActiveJobCounts activeJobs,
            AcceptanceBatcher batcher,
            JobMetrics metrics,
            JobChanges changes,
            JobNotifications notifications) {
        this.metrics = metrics;
        this.changes = changes;
        this.notifications = notifications;
        this.batcher = batcher;
        this.endings = endings;
        this.activeJobs = activeJobs;
        this.db = db;
        this.jobs = jobs;
        this.codec = codec;
        this.tx = tx;
        this.outbox = outbox;
    }

    /**
     * What to accept: the job's type, the resource it changes, the command's key parts and data, and the topic
     * its command goes to ({@code hostplane.commands}, keyed {@code tenant/kind/name}; or {@code
     * hostplane.audit-replays}, keyed by the job's id). {@code domain}, when set, must still be the tenant's and not
     * being deleted when the job is stored: the check is part of the job's insert, so that a caller may look the
     * domain up in a short-lived cache ({@code OwnedDomains.forJob}).
     */
    public record NewJob(
            String tenant,
            String type,
            String resource,
            String keyKind,
            String keyName,
            Object command,
            String topic,
            String domain) {

        public NewJob(
                String tenant,
                String type,
                String resource,
                String keyKind,
                String keyName,
                Object command,
                String topic) {
            this(tenant, type, resource, keyKind, keyName, command, topic, null);
        }

        public NewJob(String tenant, String type, String resource, String keyKind, String keyName, Object command) {
            this(tenant, type, resource, keyKind, keyName, command, Topics.COMMANDS, null);
        }

        /** A replay job: its command goes to {@code hostplane.audit-replays}, keyed by the job's id. */
        public static NewJob replay(String tenant, String resource, Object command) {
            return new NewJob(tenant, JobTypes.AUDIT_REPLAY, resource, null, null, command, Topics.AUDIT_REPLAYS);
        }

        /** This job, stored only if {@code domain} is still the tenant's and not being deleted at that moment. */
        public NewJob onDomain(String domain) {
            return new NewJob(tenant, type, resource, keyKind, keyName, command, topic, domain);
        }

        String key(UUID id) {
            return topic.equals(Topics.COMMANDS) ? Topics.commandKey(tenant, keyKind, keyName) : id.toString();
        }
    }

    /**
     * Stores the job and its command and returns the job as stored. Acceptances that arrive together share
     * one transaction ({@link AcceptanceBatcher}); the caller still answers only after the commit, and after Kafka
     * has the command.
     */
    public Mono<JobView> accept(NewJob job, ApiPrincipal caller, String requestId) {
        return underQueueLimit(job.tenant())
                .then(Mono.deferContextual(ctx -> {
                    AcceptanceBatcher.Acceptance acceptance = acceptance(job, caller, requestId, ctx);
                    return batcher.accept(acceptance).doOnNext(stored -> recordKept(ctx));
                }))
                .onErrorResume(AcceptanceBatcher.DomainChanged.class, changed -> domainRefusal(job))
                .doOnNext(this::accepted);
    }

    /**
     * Why a job on {@code job.domain()} was not stored: its domain is gone or being deleted (the caller's lookup,
     * from a cache, was older than that).
     */
    private Mono<JobView> domainRefusal(NewJob job) {
        return db.sql("select status from api.domain_states where name = :name and tenant_id = :tenant")
                .bind("name", job.domain())
                .bind("tenant", job.tenant())
                .map((row, meta) -> row.get("status", String.class))
                .one()
                .defaultIfEmpty("gone")
                .flatMap(status -> Mono.error(
                        status.equals("gone")
                                ? ApiException.notFound("No domain " + job.domain() + ".")
                                : ApiException.conflict(
                                        "Domain " + job.domain() + " is being deleted; it takes no more changes.",
                                        ErrorCodes.DOMAIN_DELETING)));
    }

    /**
     * Stores the job and its command, after {@code alongside} (run in the same transaction with the job id),
     * and returns the job as stored. For jobs that change other rows too (e.g. a new domain); these are not
     * grouped with other acceptances, since one caller's conflict must not fail another's job — but their
     * rows are written by the same statements, as a group of one.
     */
    public Mono<JobView> accept(
            NewJob job, ApiPrincipal caller, String requestId, Function<UUID, Mono<Void>> alongside) {
        return underQueueLimit(job.tenant())
                .then(Mono.deferContextual(ctx -> {
                    AcceptanceBatcher.Acceptance acceptance = acceptance(job, caller, requestId, ctx);
                    return tx.transactional(alongside.apply(acceptance.id()).then(batcher.writeAlone(acceptance)))
                            .flatMap(written -> {
                                recordKept(ctx);
                                return batcher.publish(written)
                                        .thenReturn(written.jobs().get(acceptance.id()));
                            });
                }))
                .doOnNext(this::accepted);
    }

    /**
     * The job's rows as the batcher writes them: the command and, kept with it, the request's record; the callback
     * URL and idempotency key come with the request.
     */
    private AcceptanceBatcher.Acceptance acceptance(
            NewJob job, ApiPrincipal caller, String requestId, ContextView ctx) {
        UUID id = Ids.uuidV7();
        List<OutboxPublisher.Message> messages = new ArrayList<>(2);
        messages.add(new OutboxPublisher.Message(
                job.topic(),
                job.key(id),
                codec.write(command(job, requestId, id, traceparent(ctx), caller.tokenId()))));
        RequestContext.RequestRecordMessage record = ctx.<RequestContext>getOrEmpty(RequestContext.KEY)
                .map(request -> request.recordWithJob(id.toString()))
                .orElse(null);
        if (record != null) {
            messages.add(new OutboxPublisher.Message(record.topic(), record.key(), record.payload()));
        }
        return new AcceptanceBatcher.Acceptance(
                id,
                job.tenant(),
                job.type(),
                job.resource(),
                requestId,
                caller.tokenId(),
                ctx.<String>getOrEmpty(CALLBACK_URL_KEY).orElse(null),
                job.domain(),
                messages,
                ctx.<IdempotencyFilter.Binding>getOrEmpty(IdempotencyFilter.CONTEXT_KEY)
                        .orElse(null));
    }

    /** The request's record was committed with its job: the recorder writes no second one. */
    private static void recordKept(ContextView ctx) {
        ctx.<RequestContext>getOrEmpty(RequestContext.KEY).ifPresent(RequestContext::recordKept);
    }

    /** The request's trace context, for the command: the worker's span of the job is a child of the request's. */
    private static String traceparent(ContextView ctx) {
        return ctx.<RequestContext>getOrEmpty(RequestContext.KEY)
                .map(RequestContext::traceparent)
                .orElse(null);
    }

    private void accepted(JobView stored) {
        log.info("job {} accepted: {} on {}", stored.id(), stored.type(), stored.resource());
        activeJobs.accepted(stored.tenant());
        metrics.accepted(stored.type());
    }

    private CloudEvent command(NewJob job, String requestId, UUID id, String traceparent, String tokenId) {
        return codec.command(
                ApiEvents.SOURCE,
                EventTypes.command(job.type()),
                job.resource(),
                job.tenant(),
                requestId,
                id.toString(),
                traceparent,
                tokenId,
                job.command());
    }

    /**
     * Cancels a queued job: claims it as cancelled in {@code control.job_claims} (a worker that claimed it
     * first has started it) and marks it {@code cancelled}, in one transaction. A worker that later
     * receives the command finds the claim and skips it. Waiters on the job, here and on the other replicas, are
     * handed it once the transaction commits, as after a fold.
     */
    public Mono<JobView> cancel(JobView job) {
        if (job.status().isTerminal()) {
            return Mono.error(notCancellable(job.status()));
        }
        UUID id = UUID.fromString(job.id());
        if (job.type().equals(JobTypes.AUDIT_REPLAY)) {
            return requestReplayCancel(job, id);
        }
        Mono<Void> work = jobs.claimForCancel(id)
                .flatMap(claimed -> !claimed
                        ? Mono.error(notCancellable(JobStatus.RUNNING))
                        : jobs.cancelQueued(id)
                                .flatMap(cancelled -> cancelled
                                        ? endings.ended(List.of(id), List.of(id))
                                                .then(notifications.announce(List.of(id)))
                                                .doOnSuccess(x -> activeJobs.finished(job.tenant()))
                                        : Mono.error(notCancellable(JobStatus.RUNNING))));
        return tx.transactional(work)
                .doOnSuccess(x -> changes.changed(List.of(id)))
                .then(jobs.find(id));
    }

    /**
     * A replay is stopped by its executor, queued or running: the request goes to {@code hostplane.audit-replays}
     * after the replay's command (same key), and the job ends {@code cancelled} when the audit service has
     * stopped it, with what it did so far as its result. The job is returned as it is now.
     */
    private Mono<JobView> requestReplayCancel(JobView job, UUID id) {
        CloudEvent cancel = codec.event(
                ApiEvents.SOURCE,
                EventTypes.AUDIT_REPLAY_CANCEL,
                job.resource(),
                job.tenant(),
                null,
                job.id(),
                null,
                new CancelReplay(job.id()));
        return tx.transactional(outbox.enqueue(Topics.AUDIT_REPLAYS, job.id(), cancel))
                .doOnSuccess(x -> outbox.wake())
                .then(jobs.find(id));
    }

    /**
     * Refuses a new job (429) while the tenant has its {@code limits.active_jobs} jobs queued
     * or running, so that one tenant's burst cannot fill the queues everyone shares ({@link ActiveJobCounts}).
     */
    private Mono<Void> underQueueLimit(String tenant) {
        return activeJobs
                .limit(tenant)
                .flatMap(limit -> activeJobs
                        .current(tenant, limit)
                        .flatMap(active -> active < limit
                                ? Mono.<Void>empty()
                                : Mono.error(new ApiException(
                                        HttpStatus.TOO_MANY_REQUESTS,
                                        "This account has " + limit + " jobs queued or running, the most it may "
                                                + "have; retry when some have finished.",
                                        List.of(new FieldError(
                                                null,
                                                ErrorCodes.TOO_MANY_ACTIVE_JOBS,
                                                "At most " + limit + " active jobs.")),
                                        java.util.Map.of("Retry-After", "5")))));
    }

    /** 409 naming the job's state, by its code in the catalogue. */
    private static ApiException notCancellable(JobStatus state) {
        String code = switch (state) {
            case RUNNING -> ErrorCodes.RUNNING;
            case SUCCEEDED -> ErrorCodes.SUCCEEDED;
            case FAILED -> ErrorCodes.FAILED;
            case CANCELLED -> ErrorCodes.CANCELLED;
            case QUEUED -> throw new IllegalArgumentException("a queued job can be cancelled");
        };
        return new ApiException(
                HttpStatus.CONFLICT,
                "Job is " + state.wireName() + "; only a queued job can be cancelled.",
                List.of(new FieldError("status", code, "The job is " + state.wireName() + ".")),
                null);
    }

    /** A job id from a path: a malformed one is a 404, like an unknown job. */
    public static UUID idOf(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("No job " + id + ".");
        }
    }

    /** The job, if {@code caller} may see it; else a 404 (also for another tenant's job). */
    public Mono<JobView> visibleTo(UUID id, ApiPrincipal caller) {
        return find(id).filter(job -> caller.canAccessTenant(job.tenant()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No job " + id + ".")));
    }

    public Mono<JobView> find(UUID id) {
        return jobs.find(id);
    }
}
