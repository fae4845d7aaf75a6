package io.hostplane.api.jobs;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Prompt wake-ups on every replica. A transaction that changes jobs (a fold, a cancel) names them, in itself, with
 * one {@code pg_notify} statement on {@value #CHANNEL}; PostgreSQL delivers the notifications when, and only if,
 * it commits. Every replica listens on one connection of its own (not from the pool) and hands the jobs another
 * replica changed to {@link JobChanges#announced}, which reads those waited on here in one statement. Its own
 * notifications a replica ignores: it handed their jobs on itself, after its commit.
 *
 * <p>A payload is the replica's id, a colon, and the jobs' ids as 22 characters each (base64url of the 16
 * bytes), split into as many payloads as keep each under PostgreSQL's 8000 bytes (363 jobs); all of a
 * transaction's payloads go in its one statement. A dropped listening connection is opened again with backoff,
 * and every job waited on here is then read once, for the changes announced meanwhile; the once-a-second sweep
 * ({@link JobChanges#sweep}) stays as the last resort. {@code hostplane.jobs.wait-notifications=false} switches
 * both sides off (e.g. behind a pooler that cannot {@code LISTEN}); waits then rely on the sweep.
 */
@Component
class JobNotifications implements SmartLifecycle {

    /** The channel every API replica listens on. */
    static final String CHANNEL = "hostplane_jobs";

    /** PostgreSQL's limit: a payload must be shorter than 8000 bytes. */
    static final int MAX_PAYLOAD = 7999;

    private static final int ID_LENGTH = 22;

    private static final Logger log = LoggerFactory.getLogger(JobNotifications.class);

    /** A notification's content: which replica sent it, and the jobs its transaction changed. */
    record Notice(String replica, List<UUID> jobs) {}

    private final DatabaseClient db;
    private final ConnectionFactory connections;
    private final JobChanges changes;
    private final boolean enabled;
    private final String replica = newReplicaId();
    private final Counter statements;
    private final Counter heard;
    private final Counter listens;
    private final AtomicBoolean listening = new AtomicBoolean();
    private volatile Disposable subscription;

    JobNotifications(
            DatabaseClient db,
            ConnectionFactory connections,
            JobChanges changes,
            MeterRegistry meters,
            JobsProperties properties) {
        this.db = db;
        this.connections = connections;
        this.changes = changes;
        this.enabled = properties.waitNotifications();
        this.statements = Counter.builder("hostplane.jobs.wait.notifications")
                .description("pg_notify statements sent (one per transaction that changed jobs)")
                .tag("direction", "sent")
                .register(meters);
        this.heard = Counter.builder("hostplane.jobs.wait.notifications")
                .description("Notifications of jobs changed by other replicas, handed to the waiters here")
                .tag("direction", "heard")
                .register(meters);
        this.listens = Counter.builder("hostplane.jobs.wait.listens")
                .description("Times the listening connection was opened (more than one: it was lost and reopened)")
                .register(meters);
        Gauge.builder("hostplane.jobs.wait.listening", listening, l -> l.get() ? 1 : 0)
                .description("1 while this replica listens for other replicas' job changes")
                .register(meters);
    }

    /**
     * Names {@code jobs} to the other replicas when the caller's transaction commits: one statement, run inside
     * that transaction (nothing is sent if it rolls back). No statement when {@code jobs} is empty.
     */
    Mono<Void> announce(Collection<UUID> jobs) {
        if (!enabled || jobs.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("select pg_notify('" + CHANNEL + "', p) from unnest(cast(:payloads as text[])) as p")
                .bind("payloads", payloads(replica, jobs).toArray(String[]::new))
                .then()
                .doOnSuccess(done -> statements.increment());
    }

    /** The payloads naming {@code jobs}, each shorter than PostgreSQL's 8000 bytes. */
    static List<String> payloads(String replica, Collection<UUID> jobs) {
        int perPayload = (MAX_PAYLOAD - replica.length() - 1) / ID_LENGTH;
        List<String> payloads = new ArrayList<>(jobs.size() / perPayload + 1);
        StringBuilder payload = null;
        int inPayload = 0;
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        for (UUID job : jobs) {
            if (payload == null || inPayload == perPayload) {
                if (payload != null) {
                    payloads.add(payload.toString());
                }
                payload = new StringBuilder(replica.length() + 1 + perPayload * ID_LENGTH)
                        .append(replica)
                        .append(':');
                inPayload = 0;
            }
            ByteBuffer bytes = ByteBuffer.allocate(16)
                    .putLong(job.getMostSignificantBits())
                    .putLong(job.getLeastSignificantBits());
            payload.append(base64.encodeToString(bytes.array()));
            inPayload++;
        }
        if (payload != null) {
            payloads.add(payload.toString());
        }
        return payloads;
    }

    /** A payload read back; {@link IllegalArgumentException} if it is not one of ours. */
    static Notice parse(String payload) {
        int colon = payload == null ? -1 : payload.indexOf(':');
        if (colon < 1 || (payload.length() - colon - 1) % ID_LENGTH != 0) {
            throw new IllegalArgumentException("not a job notification");
        }
        List<UUID> jobs = new ArrayList<>((payload.length() - colon - 1) / ID_LENGTH);
        Base64.Decoder base64 = Base64.getUrlDecoder();
        for (int at = colon + 1; at < payload.length(); at += ID_LENGTH) {
            ByteBuffer bytes = ByteBuffer.wrap(base64.decode(payload.substring(at, at + ID_LENGTH)));
            jobs.add(new UUID(bytes.getLong(), bytes.getLong()));
        }
        return new Notice(payload.substring(0, colon), jobs);
    }

    /** This replica's id in its notifications: 64 random bits, made at start. */
    String replica() {
        return replica;
    }

    /** Whether the listening connection is up (for tests and the gauge). */
    boolean listening() {
        return listening.get();
    }

    private void heard(String payload) {
        Notice notice;
        try {
            notice = parse(payload);
        } catch (IllegalArgumentException e) {
            log.debug("ignoring a notification on {} that is not a job notification", CHANNEL);
            return;
        }
        if (!notice.replica().equals(replica)) {
            heard.increment();
            changes.announced(notice.jobs());
        }
    }

    @Override
    public synchronized void start() {
        if (!enabled || subscription != null) {
            return;
        }
        // A connection of its own, outside the pool: it stays open (and LISTENing) for as long as the replica runs.
        ConnectionFactory direct =
                connections instanceof Wrapped<?> pool && pool.unwrap() instanceof ConnectionFactory underlying
                        ? underlying
                        : connections;
        subscription = Flux.usingWhen(Mono.from(direct.create()), this::listen, connection -> {
                    listening.set(false);
                    return Mono.from(connection.close()).onErrorResume(e -> Mono.empty());
                })
                .doOnError(e -> log.warn("job notifications interrupted, listening again: {}", e.toString()))
                // Backoff from 200 ms to 10 s; it starts over once a connection is listening again.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200))
                        .maxBackoff(Duration.ofSeconds(10))
                        .transientErrors(true))
                .subscribe();
    }

    /**
     * Notifications on {@code connection}: the subscription to them comes first, then {@code LISTEN}, then one read
     * of every job waited on here (announcements sent while no connection listened are lost), so that nothing
     * committed after that read goes unheard. Emits {@code TRUE} once listening, and each payload.
     */
    private Flux<Object> listen(Connection connection) {
        if (!(connection instanceof PostgresqlConnection postgres)) {
            return Flux.error(new IllegalStateException("LISTEN needs a PostgreSQL connection"));
        }
        Flux<Object> payloads = postgres.getNotifications()
                .map(notification -> notification.getParameter() == null ? "" : notification.getParameter());
        Mono<Object> listen = postgres.createStatement("LISTEN " + CHANNEL)
                .execute()
                .flatMap(result -> result.getRowsUpdated())
                .then(Mono.fromCallable(() -> {
                    listening.set(true);
                    listens.increment();
                    changes.announcedAll();
                    return (Object) Boolean.TRUE;
                }));
        return Flux.merge(payloads, listen)
                .doOnNext(next -> {
                    if (next instanceof String payload) {
                        heard(payload);
                    }
                })
                // A closed connection ends the stream without an error; listen again all the same.
                .concatWith(Flux.error(new IllegalStateException("listening connection closed")));
    }

    @Override
    public synchronized void stop() {
        if (subscription != null) {
            subscription.dispose();
            subscription = null;
        }
    }

    @Override
    public boolean isRunning() {
        return subscription != null;
    }

    private static String newReplicaId() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
