package io.hostplane.api.jobs;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Group commit for job acceptances: acceptances that arrive while a write is under way are queued and
 * written together — every job row, every outbox row and every idempotency-key binding of the group in one
 * transaction of three statements — so the commit (the durable write a {@code 202} promises) is shared
 * instead of paid per request, and the rows come back from the insert instead of being read again.
 *
 * <p>A caller waits for its group's commit, so a {@code 202} is still only sent for a stored job. Only jobs
 * that write nothing but their own rows are grouped (a new domain, which can conflict, is accepted alone),
 * so a group fails only as a whole — the database is down — and then every caller gets that error.
 *
 * <p>At most {@code hostplane.jobs.accept.max-in-flight} groups are written at once (two: one commits while
 * the next is sent), each of at most {@code hostplane.jobs.accept.max-batch} jobs. At low load a group is one
 * job and nothing waits for company: there is no timer, only the queue that builds while a write is running.
 */
@Component
class AcceptanceBatcher {

    /** One job to accept: its row, its command for the outbox and, optionally, the idempotency key to bind. */
    record Acceptance(
            UUID id,
            String tenant,
            String type,
            String resource,
            String requestId,
            String tokenId,
            String callbackUrl,
            String topic,
            String messageKey,
            String payload,
            IdempotencyFilter.Binding binding) {}

    private record Waiting(Acceptance acceptance, MonoSink<JobView> sink) {}

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final JobStore jobs;
    private final int maxBatch;
    private final int maxInFlight;
    private final Queue<Waiting> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final DistributionSummary groupSizes;

    AcceptanceBatcher(
            DatabaseClient db,
            TransactionalOperator tx,
            JobStore jobs,
            @Value("${hostplane.jobs.accept.max-batch:256}") int maxBatch,
            @Value("${hostplane.jobs.accept.max-in-flight:2}") int maxInFlight,
            MeterRegistry meters) {
        this.groupSizes = DistributionSummary.builder("hostplane.jobs.accept.group.size")
                .description("Jobs written per acceptance transaction (group commit)")
                .register(meters);
        this.db = db;
        this.tx = tx;
        this.jobs = jobs;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
    }

    /** Stores the job and its command, with whatever else is waiting; the job as stored once committed. */
    Mono<JobView> accept(Acceptance acceptance) {
        return Mono.create(sink -> {
            queue.add(new Waiting(acceptance, sink));
            drain();
        });
    }

    /**
     * Writes one job alone, by the same statements, in the caller's transaction (for jobs that write other
     * rows alongside); the job as stored.
     */
    Mono<JobView> writeAlone(Acceptance acceptance) {
        return insert(List.of(acceptance)).map(stored -> stored.get(acceptance.id()));
    }

    private void drain() {
        while (!queue.isEmpty()) {
            int running = inFlight.get();
            if (running >= maxInFlight) {
                return; // the running write drains again when it ends
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Waiting> group = new ArrayList<>();
            Waiting next;
            while (group.size() < maxBatch && (next = queue.poll()) != null) {
                group.add(next);
            }
            if (group.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            write(group)
                    .doFinally(signal -> {
                        inFlight.decrementAndGet();
                        drain();
                    })
                    .subscribe();
        }
    }

    /** Writes one group and answers each of its callers; never fails itself. */
    private Mono<Void> write(List<Waiting> group) {
        List<Acceptance> acceptances = group.stream().map(Waiting::acceptance).toList();
        return tx.transactional(insert(acceptances))
                .timeout(Duration.ofSeconds(30))
                .doOnNext(stored -> {
                    for (Waiting waiting : group) {
                        JobView view = stored.get(waiting.acceptance().id());
                        if (view == null) {
                            waiting.sink().error(new IllegalStateException("job not returned by its insert"));
                        } else {
                            waiting.sink().success(view);
                        }
                    }
                })
                .then()
                .onErrorResume(error -> {
                    // No statement of a group can fail for one row's reason (fresh UUIDv7 keys, no other
                    // constraint), so a failure is the database's (down, timed out): every caller hears it.
                    group.forEach(waiting -> waiting.sink().error(error));
                    return Mono.empty();
                });
    }

    /**
     * The three statements of a group: job rows (returned as stored), outbox rows in order with the relay's
     * {@code NOTIFY}, key bindings.
     */
    private Mono<Map<UUID, JobView>> insert(List<Acceptance> group) {
        Mono<Map<UUID, JobView>> jobRows = db.sql("insert into api.jobs "
                        + "(id, tenant_id, type, status, resource, request_id, token_id, callback_url) "
                        + "select u.id, u.tenant, u.type, 'queued', u.resource, u.request_id, u.token_id, "
                        + "coalesce(u.callback, (select t.callback_url from api.tokens t where t.id = u.token_id)) "
                        + "from unnest(cast(:ids as uuid[]), cast(:tenants as text[]), cast(:types as text[]), "
                        + "cast(:resources as text[]), cast(:requestIds as text[]), cast(:tokenIds as text[]), "
                        + "cast(:callbacks as text[])) as u(id, tenant, type, resource, request_id, token_id, callback) "
                        + "returning " + JobStore.COLUMNS)
                .bind("ids", column(group, Acceptance::id, UUID[]::new))
                .bind("tenants", column(group, Acceptance::tenant, String[]::new))
                .bind("types", column(group, Acceptance::type, String[]::new))
                .bind("resources", column(group, Acceptance::resource, String[]::new))
                .bind("requestIds", column(group, Acceptance::requestId, String[]::new))
                .bind("tokenIds", column(group, Acceptance::tokenId, String[]::new))
                .bind("callbacks", column(group, Acceptance::callbackUrl, String[]::new))
                .map((row, meta) -> jobs.view(row))
                .all()
                .collectMap(view -> UUID.fromString(view.id()));
        Mono<Void> outboxRows = db.sql("with added as (insert into api.outbox (topic, message_key, payload) "
                        + "select u.topic, u.message_key, u.payload from unnest(cast(:topics as text[]), "
                        + "cast(:keys as text[]), cast(:payloads as text[])) with ordinality "
                        + "as u(topic, message_key, payload, n) order by u.n returning seq) "
                        + "select pg_notify('" + OutboxNotifications.CHANNEL
                        + "', '') from (select count(*) from added) c")
                .bind("topics", column(group, Acceptance::topic, String[]::new))
                .bind("keys", column(group, Acceptance::messageKey, String[]::new))
                .bind("payloads", column(group, Acceptance::payload, String[]::new))
                .then();
        List<Acceptance> keyed = group.stream().filter(a -> a.binding() != null).toList();
        Mono<Void> bindings = keyed.isEmpty()
                ? Mono.empty()
                : db.sql(
                                "update api.idempotency_keys k set job_id = u.job_id "
                                        + "from unnest(cast(:tenants as text[]), cast(:keys as text[]), cast(:jobIds as uuid[])) "
                                        + "as u(tenant_id, idem_key, job_id) "
                                        + "where k.tenant_id = u.tenant_id and k.idem_key = u.idem_key "
                                        // Indexable, so that the keys are found by primary key, not by a scan.
                                        + "and k.tenant_id = any(cast(:tenants as text[])) and k.idem_key = any(cast(:keys as text[]))")
                        .bind("tenants", column(keyed, a -> a.binding().tenant(), String[]::new))
                        .bind("keys", column(keyed, a -> a.binding().key(), String[]::new))
                        .bind("jobIds", column(keyed, Acceptance::id, UUID[]::new))
                        .then();
        return jobRows.flatMap(stored -> outboxRows.then(bindings).thenReturn(stored));
    }

    private static <T> T[] column(List<Acceptance> group, Function<Acceptance, T> field, IntFunction<T[]> array) {
        return group.stream().map(field).toArray(array);
    }
}
