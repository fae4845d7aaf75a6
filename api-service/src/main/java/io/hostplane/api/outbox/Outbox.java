package io.hostplane.api.outbox;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Writes an event to the transactional outbox ({@code api.outbox}) in the caller's transaction, for facts that
 * must not be lost and must not be published unless their state change commits (token, user and OAuth events, a
 * replay's cancellation). Such a row is due at once: the caller {@link #wake}s the relay after the commit, and the
 * {@link OutboxRelay} sends it. Job acceptances, the hot path, publish their own rows instead
 * (the jobs feature's {@code AcceptanceBatcher}).
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
        return db.sql("insert into api.outbox (topic, message_key, payload, publish_by) "
                        + "values (:topic, :key, :payload, clock_timestamp())")
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
