package io.hostplane.audit.stream;

import io.hostplane.common.crypto.SealedBox;
import java.io.Closeable;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the audit streams this replica holds. Every {@code refresh-interval} it reads all definitions (one query),
 * takes or renews the lease of every stream that is not paused (one statement, {@code audit_stream.status}
 * {@code leased_by}/{@code lease_until}), forgets the state of streams no longer defined, lists the store's chains,
 * and then starts a {@link StreamLoop} for each stream it holds, stops loops of streams it no longer holds (paused,
 * deleted, taken over) and restarts those whose definition changed ({@code version} moved). Each loop has a thread
 * of its own, so a collector that hangs stalls neither ingest nor another stream.
 */
public final class StreamRunner implements SmartLifecycle, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StreamRunner.class);

    private final DataSource db;
    private final StreamStore store;
    private final StreamProperties properties;
    private final String me;
    private final SealedBox box;
    private final Map<UUID, Running> loops = new HashMap<>();
    private volatile List<Chain> chains = List.of();
    private ScheduledExecutorService scheduler;
    private ExecutorService threads;
    private volatile boolean running;
    private boolean tableMissingLogged;

    private record Running(StreamLoop loop, Future<?> future) {}

    /**
     * @param db the owner login's pool, which this runner closes when it is closed
     * @param me this replica's name in leases (unique per runner)
     */
    public StreamRunner(DataSource db, StreamProperties properties, String me) {
        this.db = db;
        this.store = new StreamStore(db);
        this.properties = properties;
        this.me = me;
        this.box = sealedBox(properties.encryptionKey());
    }

    private static SealedBox sealedBox(String key) {
        if (key == null || key.isBlank()) {
            log.info("no sealing key for audit streams: streams with a token or CA certificate report an error");
            return null;
        }
        try {
            return SealedBox.fromBase64(key);
        } catch (IllegalArgumentException e) {
            log.warn(
                    "the audit streams' sealing key is unusable ({}): streams with credentials report an error",
                    e.getMessage());
            return null;
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        AtomicInteger n = new AtomicInteger();
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "audit-stream-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "audit-streams");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(
                this::refresh, 0, properties.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("audit streams run here as {}", me);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (loops) {
            loops.values().forEach(r -> r.loop().stop());
            loops.values().forEach(StreamRunner::await);
            loops.clear();
        }
        threads.shutdownNow();
        try {
            store.releaseAll(me);
        } catch (SQLException e) {
            log.warn("could not release the audit stream leases of {}: {}", me, e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void close() {
        stop();
        if (db instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                log.warn("closing the audit streams' pool: {}", e.getMessage());
            }
        }
    }

    /** One refresh: definitions, leases, clean-up, chains, loops. Never throws (the schedule would end). */
    void refresh() {
        try {
            List<StreamDefinition> definitions;
            try {
                definitions = store.definitions();
                tableMissingLogged = false;
            } catch (SQLException e) {
                if ("42P01".equals(e.getSQLState())) {
                    if (!tableMissingLogged) {
                        log.info(
                                "the API has not created its audit stream definitions table yet; no audit streams run");
                        tableMissingLogged = true;
                    }
                    return;
                }
                throw e;
            }
            Map<UUID, Instant> wanted = new LinkedHashMap<>();
            Map<UUID, StreamDefinition> byId = new HashMap<>();
            for (StreamDefinition d : definitions) {
                if (!d.paused()) {
                    wanted.put(d.id(), d.createdAt());
                    byId.put(d.id(), d);
                }
            }
            Set<UUID> held = store.lease(me, wanted, properties.leaseDuration());
            store.deleteUndefined();
            chains = store.chains();
            reconcile(held, byId);
        } catch (SQLException | RuntimeException e) {
            log.warn("audit streams: refresh failed, retrying in {}: {}", properties.refreshInterval(), e.getMessage());
        }
    }

    private void reconcile(Set<UUID> held, Map<UUID, StreamDefinition> definitions) {
        synchronized (loops) {
            if (!running) {
                return;
            }
            for (var it = loops.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                StreamDefinition now = definitions.get(entry.getKey());
                Running r = entry.getValue();
                boolean keep = held.contains(entry.getKey())
                        && now != null
                        && now.version() == r.loop().stream().version()
                        && !r.future().isDone();
                if (!keep) {
                    r.loop().stop();
                    await(r);
                    it.remove();
                    if (now != null && now.version() != r.loop().stream().version()) {
                        log.info("audit stream {} changed (version {}), restarting", now.id(), now.version());
                    }
                }
            }
            for (UUID id : held) {
                if (!loops.containsKey(id)) {
                    StreamLoop loop = new StreamLoop(definitions.get(id), store, properties, me, box, () -> chains);
                    loops.put(id, new Running(loop, threads.submit(loop)));
                }
            }
        }
    }

    private static void await(Running r) {
        try {
            r.future().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Stopped, failed or still closing: it writes nothing once its lease is gone.
        }
    }

    /** The streams this runner delivers now (for tests and health). */
    public Set<UUID> running() {
        synchronized (loops) {
            return Set.copyOf(loops.keySet());
        }
    }
}
