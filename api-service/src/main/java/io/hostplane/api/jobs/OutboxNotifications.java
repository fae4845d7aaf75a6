package io.hostplane.api.jobs;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Relay on commit, across replicas: every transaction that writes to the outbox also runs
 * {@code NOTIFY hostplane_outbox}, which PostgreSQL delivers when (and only if) it commits; each API replica
 * listens on its own connection and wakes its {@link OutboxRelay}. So a command accepted on one replica is
 * sent at once even while another replica holds the relay, instead of at that replica's next poll. The poll
 * stays as the safety net for notifications missed while the listening connection was being re-opened.
 */
@Component
public class OutboxNotifications implements SmartLifecycle {

    /** The channel; notified in the same transaction as the outbox rows (see {@link Outbox}). */
    static final String CHANNEL = "hostplane_outbox";

    private static final Logger log = LoggerFactory.getLogger(OutboxNotifications.class);

    private final ConnectionFactory connections;
    private final OutboxRelay relay;
    private final AtomicLong received = new AtomicLong();
    private volatile Disposable listening;

    OutboxNotifications(ConnectionFactory connections, OutboxRelay relay) {
        this.connections = connections;
        this.relay = relay;
    }

    /** How many notifications this replica has heard (for tests and diagnostics). */
    public long received() {
        return received.get();
    }

    @Override
    public synchronized void start() {
        // A connection of its own, outside the pool: it stays open for as long as the application runs.
        ConnectionFactory direct =
                connections instanceof Wrapped<?> pool && pool.unwrap() instanceof ConnectionFactory underlying
                        ? underlying
                        : connections;
        listening = Flux.usingWhen(
                        Mono.from(direct.create()), this::listen, connection -> Mono.from(connection.close()))
                .doOnNext(payload -> {
                    received.incrementAndGet();
                    relay.wake();
                })
                .doOnError(e -> log.warn("outbox notifications interrupted, listening again: {}", e.toString()))
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10)))
                .subscribe();
    }

    private Flux<String> listen(Connection connection) {
        if (!(connection instanceof PostgresqlConnection postgres)) {
            return Flux.error(new IllegalStateException("LISTEN needs a PostgreSQL connection"));
        }
        return postgres.createStatement("LISTEN " + CHANNEL)
                .execute()
                .flatMap(result -> result.getRowsUpdated())
                .thenMany(postgres.getNotifications())
                .map(notification -> String.valueOf(notification.getParameter()))
                // A closed connection ends the stream without an error; listen again all the same.
                .concatWith(Flux.error(new IllegalStateException("listening connection closed")));
    }

    @Override
    public synchronized void stop() {
        if (listening != null) {
            listening.dispose();
            listening = null;
        }
    }

    @Override
    public boolean isRunning() {
        return listening != null;
    }
}
