package io.hostplane.api.jobs;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Writes an event to the transactional outbox ({@code api.outbox}) in the caller's transaction, with a
 * {@code NOTIFY} that every replica's {@link OutboxNotifications} hears at the commit; the {@link OutboxRelay}
 * then sends it to Kafka. Use it for every fact that must not be lost
 * and must not be published unless its state change commits.
 */
@Component
public class Outbox {

    private final DatabaseClient db;
    private final EventCodec codec;
    private final OutboxRelay relay;

    Outbox(DatabaseClient db, EventCodec codec, OutboxRelay relay) {
        this.db = db;
        this.codec = codec;
        this.relay = relay;
    }

    public Mono<Void> enqueue(String topic, String key, CloudEvent event) {
        return db.sql("with added as (insert into api.outbox (topic, message_key, payload) "
                        + "values (:topic, :key, :payload) returning seq) "
                        + "select pg_notify('" + OutboxNotifications.CHANNEL + "', '') from added")
                .bind("topic", topic)
                .bind("key", key)
                .bind("payload", codec.write(event))
                .then();
    }

    /** Tells the relay to look now rather than at its next poll; call after the transaction commits. */
    public void wake() {
        relay.wake();
    }
}
