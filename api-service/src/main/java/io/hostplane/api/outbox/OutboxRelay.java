package io.hostplane.api.outbox;

import io.hostplane.api.system.PollingLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The outbox's recovery path. Normally the replica that accepted a job publishes its rows itself ({@link
 * OutboxPublisher}); a row still in the outbox after its {@code publish_by} was not (its replica died after the
 * commit, or Kafka did not acknowledge in time), and rows written while such a row exists are due at once
 * (the jobs feature's {@code AcceptanceBatcher}). While any row is due, one relay at a time across all replicas (a
 * transaction-scoped advisory lock) sends the oldest rows in seq order — all of them, so that nothing accepted
 * later overtakes a due row — waits for every acknowledgement and deletes them in the same transaction. A row
 * sent twice (by its replica and by the relay) is dropped by its consumers (job id, event id).
 *
 * <p>Looking costs one short query every {@code hostplane.outbox.recovery-interval} (1 s), or at once when woken.
 */
@Component
public class OutboxRelay extends PollingLoop {

    private static final long LOCK_KEY = 0x6870_6f75_7462_6f78L; // "hpoutbox"

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final KafkaTemplate<String, String> kafka;
    private final int batchSize;

    OutboxRelay(
            DatabaseClient db,
            TransactionalOperator tx,
            KafkaTemplate<String, String> kafka,
            OutboxProperties properties) {
        super("outbox-relay", properties.recoveryInterval());
        this.db = db;
        this.tx = tx;
        this.kafka = kafka;
        this.batchSize = properties.batchSize();
    }

    private record Row(long seq, String topic, String key, String payload) {}

    /** Relays one batch when a row is due; returns how many rows it sent. */
    @Override
    protected int runOnce() {
        Boolean due = db.sql("select coalesce((select publish_by from api.outbox order by publish_by limit 1) "
                        + "<= clock_timestamp(), false) as due")
                .map((row, meta) -> row.get("due", Boolean.class))
                .one()
                .block(Duration.ofSeconds(30));
        if (!Boolean.TRUE.equals(due)) {
            return 0;
        }
        Mono<Integer> work = db.sql("select pg_try_advisory_xact_lock(:key) as locked")
                .bind("key", LOCK_KEY)
                .map((row, meta) -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
                .one()
                .flatMap(locked -> locked ? relayLocked() : Mono.just(0));
        Integer sent = tx.transactional(work).block(Duration.ofSeconds(60));
        return sent == null ? 0 : sent;
    }

    private Mono<Integer> relayLocked() {
        return db.sql("select seq, topic, message_key, payload from api.outbox order by seq limit :limit")
                .bind("limit", batchSize)
                .map((row, meta) -> new Row(
                        row.get("seq", Long.class),
                        row.get("topic", String.class),
                        row.get("message_key", String.class),
                        row.get("payload", String.class)))
                .all()
                .collectList()
                .flatMap(rows -> rows.isEmpty()
                        ? Mono.just(0)
                        : send(rows).then(delete(rows)).thenReturn(rows.size()));
    }

    private Mono<Void> send(List<Row> rows) {
        CompletableFuture<?>[] acks = rows.stream()
                .map(r -> kafka.send(r.topic(), r.key(), r.payload()))
                .toArray(CompletableFuture[]::new);
        return Mono.fromFuture(CompletableFuture.allOf(acks))
                .timeout(Duration.ofSeconds(30))
                .then();
    }

    private Mono<Void> delete(List<Row> rows) {
        Long[] seqs = rows.stream().map(Row::seq).toArray(Long[]::new);
        return db.sql("delete from api.outbox where seq = any(:seqs)")
                .bind("seqs", seqs)
                .then();
    }
}
