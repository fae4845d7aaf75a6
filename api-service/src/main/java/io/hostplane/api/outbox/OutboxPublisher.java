package io.hostplane.api.outbox;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes committed outbox rows straight from memory: the replica that wrote them sends them right after the
 * commit, without reading them back, and the caller answers once Kafka has acknowledged them. Acknowledged rows
 * are deleted later, many at a time: by the next acceptance's statement ({@link #takeAcknowledged}), or after
 * half a second by this publisher itself when no acceptance came.
 *
 * <p>One sending thread, so that rows are handed to the producer in the order their transactions committed here;
 * and since a caller is answered only after its rows are acknowledged, a change accepted after that answer, on any
 * replica, reaches Kafka after it. A group not acknowledged within {@code hostplane.outbox.publish-timeout} (Kafka
 * down or slow) is answered all the same — its rows are durable — after its rows are made due at once, so that the
 * {@link OutboxRelay} sends them, and every change accepted after them goes through the relay too, in order.
 */
@Component
public class OutboxPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);

    /** One Kafka record of an outbox row. */
    public record Message(String topic, String key, String payload) {}

    /**
     * The outbox's part of the statement that stores a group of changes and their rows at once (the jobs feature's
     * acceptance), kept here so that all of this table's SQL is in this package. Two common table expressions:
     * {@code overdue}, whether a row other than the {@code :acked} ones ({@link #takeAcknowledged}) is past its
     * {@code publish_by} — new rows are then due at once, so that they queue behind it —, and {@code gone}, the
     * {@code :acked} rows deleted.
     */
    public static final String ACCEPTANCE_OVERDUE_AND_GONE =
            // The oldest row's publish_by, found by its index (an exists over publish_by was planned as a scan of
            // the whole table, whose pages the churn of rows leaves many: 70 ms per statement, measured).
            "overdue as (select coalesce((select publish_by from api.outbox "
                    + "where seq <> all(cast(:acked as bigint[])) order by publish_by limit 1) "
                    + "<= clock_timestamp(), false) as relay), "
                    + "gone as (delete from api.outbox where seq = any(cast(:acked as bigint[])))";

    /**
     * The rows of that statement, as the common table expression {@code added} (returning their {@code seq}):
     * {@code :topics}, {@code :keys}, {@code :payloads} and {@code :owners} (the id of the change each row
     * belongs to), inserted in order for the owners that the expression {@code stored} returned, due after
     * {@code :graceMs} milliseconds, or at once when {@code overdue}.
     */
    public static final String ACCEPTANCE_ROWS = "added as (insert into api.outbox (topic, message_key, payload, "
            + "publish_by) select m.topic, m.message_key, m.payload, clock_timestamp() + case when "
            + "(select relay from overdue) then interval '0' else :graceMs * interval '1 millisecond' end "
            + "from unnest(cast(:topics as text[]), cast(:keys as text[]), cast(:payloads as text[]), "
            + "cast(:owners as uuid[])) with ordinality as m(topic, message_key, payload, job_id, n) "
            + "where m.job_id in (select id from stored) order by m.n returning seq)";

    private final KafkaTemplate<String, String> kafka;
    private final DatabaseClient db;
    private final OutboxRelay relay;
    private final Duration timeout;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(task -> daemon(task, "outbox-publisher"));
    private final ScheduledExecutorService cleaner =
            Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "outbox-cleaner"));
    private final Queue<Long> acknowledged = new ConcurrentLinkedQueue<>();

    private final Timer acknowledgedAfter;
    private final Timer handedToRelayAfter;

    OutboxPublisher(
            KafkaTemplate<String, String> kafka,
            DatabaseClient db,
            OutboxRelay relay,
            OutboxProperties properties,
            MeterRegistry meters) {
        this.acknowledgedAfter = publishTimer(meters, "acknowledged");
        this.handedToRelayAfter = publishTimer(meters, "relay");
        this.kafka = kafka;
        this.db = db;
        this.relay = relay;
        this.timeout = properties.publishTimeout();
        cleaner.scheduleWithFixedDelay(this::deleteAcknowledged, 500, 500, TimeUnit.MILLISECONDS);
    }

    private static Timer publishTimer(MeterRegistry meters, String outcome) {
        return Timer.builder("hostplane.outbox.publish")
                .description("From a group's commit to Kafka's acknowledgement of its rows (or to handing them to the"
                        + " relay)")
                .tag("outcome", outcome)
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** How long a replica has to publish its rows before the relay takes them over. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Sends committed rows ({@code seqs}, in order, and their {@code messages}); completes once Kafka acknowledged
     * them, or, when it did not within the timeout counted from {@code committedAt} ({@link System#nanoTime()}),
     * once they are due for the relay. Never fails: the rows are durable either way.
     */
    public Mono<Void> publish(List<Message> messages, List<Long> seqs, long committedAt) {
        CompletableFuture<Boolean> acked = new CompletableFuture<>();
        sender.execute(() -> send(messages, committedAt, acked));
        // The acknowledgement completes on the producer's I/O thread: what follows (answering the callers) must not
        // run there, or every group's answer would wait for the previous one's and the acknowledgements behind it.
        return Mono.fromFuture(acked).publishOn(Schedulers.parallel()).flatMap(ok -> {
            (ok ? acknowledgedAfter : handedToRelayAfter).record(System.nanoTime() - committedAt, TimeUnit.NANOSECONDS);
            if (ok) {
                acknowledged.addAll(seqs);
                return Mono.<Void>empty();
            }
            return dueNow(seqs);
        });
    }

    private void send(List<Message> messages, long committedAt, CompletableFuture<Boolean> acked) {
        long left = timeout.toNanos() - (System.nanoTime() - committedAt);
        if (left <= 0) {
            acked.complete(false);
            return;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>(messages.size());
        try {
            for (Message m : messages) {
                sends.add(kafka.send(m.topic(), m.key(), m.payload()));
            }
        } catch (RuntimeException e) {
            log.warn("publishing {} outbox rows failed, the relay will send them: {}", messages.size(), e.toString());
            acked.complete(false);
            return;
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .orTimeout(left, TimeUnit.NANOSECONDS)
                .whenComplete((done, error) -> {
                    if (error != null) {
                        log.warn(
                                "{} outbox rows not acknowledged in time, the relay will send them: {}",
                                messages.size(),
                                error.toString());
                    }
                    acked.complete(error == null);
                });
    }

    /**
     * Makes rows due now, so that the relay sends them and new acceptances queue behind them; then wakes the
     * relay. Should that fail too (the database is away as well), the rows become due at their own time.
     */
    private Mono<Void> dueNow(List<Long> seqs) {
        return db.sql("update api.outbox set publish_by = clock_timestamp() where seq = any(:seqs)")
                .bind("seqs", seqs.toArray(Long[]::new))
                .then()
                .doOnSuccess(x -> relay.wake())
                .onErrorResume(e -> {
                    log.error("could not hand {} outbox rows to the relay: {}", seqs.size(), e.toString());
                    return Mono.empty();
                });
    }

    /**
     * The acknowledged rows not yet deleted, for an acceptance to delete in its own statement; {@link
     * #giveBack} them if that statement does not commit.
     */
    public List<Long> takeAcknowledged() {
        List<Long> taken = new ArrayList<>();
        Long seq;
        while (taken.size() < 10_000 && (seq = acknowledged.poll()) != null) {
            taken.add(seq);
        }
        return taken;
    }

    public void giveBack(List<Long> seqs) {
        acknowledged.addAll(seqs);
    }

    private void deleteAcknowledged() {
        List<Long> seqs = takeAcknowledged();
        if (seqs.isEmpty()) {
            return;
        }
        try {
            db.sql("delete from api.outbox where seq = any(:seqs)")
                    .bind("seqs", seqs.toArray(Long[]::new))
                    .then()
                    .block(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            giveBack(seqs);
            log.debug("acknowledged outbox rows not deleted yet: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        cleaner.shutdown();
        deleteAcknowledged();
        sender.shutdown();
    }
}
