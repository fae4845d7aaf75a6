package io.hostplane.api.jobs;

import io.hostplane.api.outbox.OutboxPublisher;
import io.hostplane.api.outbox.OutboxRelay;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Group commit for job acceptances: acceptances that arrive while a write is under way are queued and
 * written together — every job row, every outbox row (each job's command and its request's record) and every
 * idempotency-key binding of the group in one transaction of one statement — so the commit (the durable
 * write a {@code 202} promises) is shared instead of paid per request, and the rows come back from the insert
 * instead of being read again. The statement also deletes outbox rows acknowledged since the last group, and
 * says whether an earlier row is overdue.
 *
 * <p>Then the group's rows are published from memory ({@link OutboxPublisher}) and each caller is answered once
 * Kafka has them: so a job accepted after that answer reaches Kafka after this one, whichever replica accepts it.
 * While an earlier row is overdue (its replica died, or Kafka did not acknowledge in time), a group's rows are
 * written due at once and left to the {@link OutboxRelay}, which sends every row in order, and its callers are
 * answered right after the commit.
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

    /** One job to accept: its row, its outbox rows (command first) and, optionally, the idempotency key to bind. */
    record Acceptance(
            UUID id,
            String tenant,
            String type,
            String resource,
            String requestId,
            String tokenId,
            String callbackUrl,
            String domain,
            List<OutboxPublisher.Message> messages,
            IdempotencyFilter.Binding binding) {}

    /**
     * The job was not stored: the domain it names is no longer the tenant's or is being deleted. Nothing of it was
     * written; the other jobs of its group were.
     */
    static final class DomainChanged extends RuntimeException {
        DomainChanged(String domain) {
            super("domain " + domain + " changed before the job was stored", null, false, false);
        }
    }

    /** A group as committed: its jobs as stored, its outbox rows, and whether the relay must send them. */
    record Written(Map<UUID, JobView> jobs, List<OutboxPublisher.Message> messages, List<Long> seqs, boolean relay) {}

    private record Waiting(Acceptance acceptance, MonoSink<JobView> sink) {}

    private record OutboxRows(boolean relay, List<Long> seqs) {}

    private final DatabaseClient db;
    private final JobStore jobs;
    private final OutboxPublisher publisher;
    private final OutboxRelay relay;
    private final int maxBatch;
    private final int maxInFlight;
    private final Queue<Waiting> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final DistributionSummary groupSizes;
    private final Timer writes;

    AcceptanceBatcher(
            DatabaseClient db,
            JobStore jobs,
            OutboxPublisher publisher,
            OutboxRelay relay,
            JobsProperties properties,
            MeterRegistry meters) {
        this.groupSizes = DistributionSummary.builder("hostplane.jobs.accept.group.size")
                .description("Jobs written per acceptance transaction (group commit)")
                .register(meters);
        this.writes = Timer.builder("hostplane.jobs.accept.write")
                .description("One acceptance group's statement (its own transaction), from its start to its commit")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
        this.db = db;
        this.jobs = jobs;
        this.publisher = publisher;
        this.relay = relay;
        this.maxBatch = properties.accept().maxBatch();
        this.maxInFlight = properties.accept().maxInFlight();
    }

    /** Stores the job and its outbox rows, with whatever else is waiting; the job as stored once published. */
    Mono<JobView> accept(Acceptance acceptance) {
        return Mono.create(sink -> {
            queue.add(new Waiting(acceptance, sink));
            drain();
        });
    }

    /**
     * Writes one job alone, by the same statements, in the caller's transaction (for jobs that write other
     * rows alongside); give what it returns to {@link #publish} once that transaction has committed.
     */
    Mono<Written> writeAlone(Acceptance acceptance) {
        return insert(List.of(acceptance), List.of());
    }

    /** Publishes a committed group's rows (or leaves them to the relay); completes when that is done. */
    Mono<Void> publish(Written written) {
        if (written.relay()) {
            relay.wake();
            return Mono.empty();
        }
        return publisher.publish(written.messages(), written.seqs(), System.nanoTime());
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
            groupSizes.record(group.size());
            write(group)
                    .doFinally(signal -> {
                        inFlight.decrementAndGet();
                        drain();
                    })
                    .subscribe();
        }
    }

    /**
     * Writes one group, frees the way for the next one, publishes and answers each of its callers; never fails
     * itself. The next group may be written while this one's rows are being published.
     */
    private Mono<Void> write(List<Waiting> group) {
        List<Acceptance> acceptances = group.stream().map(Waiting::acceptance).toList();
        List<Long> acknowledged = publisher.takeAcknowledged();
        long started = System.nanoTime();
        // One statement is one transaction: no BEGIN and COMMIT round trips around it.
        return insert(acceptances, acknowledged)
                .timeout(Duration.ofSeconds(30))
                .doOnNext(written -> writes.record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
                .doOnNext(written -> publish(written)
                        .doFinally(signal -> answer(group, written))
                        .subscribe())
                .then()
                .onErrorResume(error -> {
                    // Not deleted: the next group (or the publisher) deletes them.
                    publisher.giveBack(acknowledged);
                    // No statement of a group can fail for one row's reason (fresh UUIDv7 keys, no other
                    // constraint), so a failure is the database's (down, timed out): every caller hears it.
                    group.forEach(waiting -> waiting.sink().error(error));
                    return Mono.empty();
                });
    }

    private static void answer(List<Waiting> group, Written written) {
        for (Waiting waiting : group) {
            JobView view = written.jobs().get(waiting.acceptance().id());
            if (view == null && waiting.acceptance().domain() != null) {
                waiting.sink().error(new DomainChanged(waiting.acceptance().domain()));
            } else if (view == null) {
                waiting.sink().error(new IllegalStateException("job not returned by its insert"));
            } else {
                waiting.sink().success(view);
            }
        }
    }

    /**
     * A group's one statement: the job rows (returned as stored), their outbox rows in order and their key
     * bindings, together with the deletion of the {@code acknowledged} outbox rows and whether an earlier row is
     * overdue. A job that names a domain is stored only while the domain is the tenant's and not being deleted
     * (its caller may have found the domain in a cache: {@code OwnedDomains.forJob}); the outbox rows and key
     * binding of a job not stored are not written either.
     */
    private Mono<Written> insert(List<Acceptance> group, List<Long> acknowledged) {
        List<OutboxPublisher.Message> messages = new ArrayList<>();
        List<UUID> owners = new ArrayList<>();
        for (Acceptance a : group) {
            for (OutboxPublisher.Message m : a.messages()) {
                messages.add(m);
                owners.add(a.id());
            }
        }
        List<Acceptance> keyed = group.stream().filter(a -> a.binding() != null).toList();
        return db.sql("with " + OutboxPublisher.ACCEPTANCE_OVERDUE_AND_GONE + ", "
                        + "stored as (insert into api.jobs "
                        + "(id, tenant_id, type, status, resource, request_id, token_id, callback_url) "
                        + "select u.id, u.tenant, u.type, 'queued', u.resource, u.request_id, u.token_id, "
                        + "coalesce(u.callback, (select t.callback_url from api.token_callbacks t "
                        + "where t.id = u.token_id)) "
                        + "from unnest(cast(:ids as uuid[]), cast(:tenants as text[]), cast(:types as text[]), "
                        + "cast(:resources as text[]), cast(:requestIds as text[]), cast(:tokenIds as text[]), "
                        + "cast(:callbacks as text[]), cast(:domains as text[])) "
                        + "as u(id, tenant, type, resource, request_id, token_id, callback, domain) "
                        + "where u.domain is null or exists (select 1 from api.domain_states d "
                        + "where d.name = u.domain and d.tenant_id = u.tenant and d.status <> 'deleting') "
                        + "returning " + JobStore.COLUMNS + "), "
                        + OutboxPublisher.ACCEPTANCE_ROWS + ", "
                        + "bound as (update api.idempotency_keys k set job_id = b.job_id "
                        + "from unnest(cast(:keyTenants as text[]), cast(:keyNames as text[]), cast(:keyJobs as uuid[])) "
                        + "as b(tenant_id, idem_key, job_id) "
                        + "where k.tenant_id = b.tenant_id and k.idem_key = b.idem_key "
                        // Indexable, so that the keys are found by primary key, not by a scan.
                        + "and k.tenant_id = any(cast(:keyTenants as text[])) "
                        + "and k.idem_key = any(cast(:keyNames as text[])) and b.job_id in (select id from stored)) "
                        + "select stored.*, (select relay from overdue) as relay, "
                        + "array(select seq from added order by seq) as seqs from stored")
                .bind("acked", acknowledged.toArray(Long[]::new))
                .bind("ids", column(group, Acceptance::id, UUID[]::new))
                .bind("tenants", column(group, Acceptance::tenant, String[]::new))
                .bind("types", column(group, Acceptance::type, String[]::new))
                .bind("resources", column(group, Acceptance::resource, String[]::new))
                .bind("requestIds", column(group, Acceptance::requestId, String[]::new))
                .bind("tokenIds", column(group, Acceptance::tokenId, String[]::new))
                .bind("callbacks", column(group, Acceptance::callbackUrl, String[]::new))
                .bind("domains", column(group, Acceptance::domain, String[]::new))
                .bind("graceMs", (double) publisher.timeout().toMillis())
                .bind(
                        "topics",
                        messages.stream().map(OutboxPublisher.Message::topic).toArray(String[]::new))
                .bind(
                        "keys",
                        messages.stream().map(OutboxPublisher.Message::key).toArray(String[]::new))
                .bind(
                        "payloads",
                        messages.stream().map(OutboxPublisher.Message::payload).toArray(String[]::new))
                .bind("owners", owners.toArray(UUID[]::new))
                .bind("keyTenants", column(keyed, a -> a.binding().tenant(), String[]::new))
                .bind("keyNames", column(keyed, a -> a.binding().key(), String[]::new))
                .bind("keyJobs", column(keyed, Acceptance::id, UUID[]::new))
                .map((row, meta) -> new StoredRow(jobs.view(row), outboxRows(row)))
                .all()
                .collectList()
                .map(rows -> {
                    Map<UUID, JobView> stored = new java.util.LinkedHashMap<>();
                    rows.forEach(r -> stored.put(UUID.fromString(r.job().id()), r.job()));
                    List<OutboxPublisher.Message> kept = new ArrayList<>();
                    for (int i = 0; i < messages.size(); i++) {
                        if (stored.containsKey(owners.get(i))) {
                            kept.add(messages.get(i));
                        }
                    }
                    OutboxRows outbox = rows.isEmpty()
                            ? new OutboxRows(false, List.of())
                            : rows.get(0).outbox();
                    return new Written(stored, kept, outbox.seqs(), outbox.relay());
                });
    }

    /** A row of the group's statement: a stored job, and (the same on every row) what its outbox insert did. */
    private record StoredRow(JobView job, OutboxRows outbox) {}

    private static OutboxRows outboxRows(Readable row) {
        Long[] seqs = row.get("seqs", Long[].class);
        return new OutboxRows(Boolean.TRUE.equals(row.get("relay", Boolean.class)), List.of(seqs));
    }

    private static <T> T[] column(List<Acceptance> group, Function<Acceptance, T> field, IntFunction<T[]> array) {
        return group.stream().map(field).toArray(array);
    }
}
