package io.hostplane.audit.stream;

import io.hostplane.audit.stream.StreamSink.SinkException;
import io.hostplane.common.crypto.SealedBox;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one stream, on a thread of its own (a collector that hangs holds only this thread), while this replica
 * holds the stream's lease and until {@link #stop()}.
 *
 * <p>Each round reads one batch after the stream's positions ({@link StreamStore#read}), sends what the stream
 * carries, and moves on only when the sink took it: never more than one batch ahead of the sink.
 *
 * <ul>
 *   <li>HTTP: a 2xx acknowledges the batch and its positions are saved at once; a failure sends the same batch
 *       again after a wait (200 ms, doubling up to {@code max-backoff}).
 *   <li>syslog: written positions are kept in memory and become the durable checkpoint once {@code confirm-after}
 *       has passed with the connection still open; on any error, or the collector closing, the loop reconnects
 *       and rewinds to the checkpoint, so events since it are sent again (at least once, with duplicates).
 * </ul>
 *
 * A stream failing continuously for {@code pause-after} pauses itself (status {@code self_paused_at}) and stops.
 */
final class StreamLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StreamLoop.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration LAG_EVERY = Duration.ofSeconds(1);

    /** Positions written to a syslog collector at {@code at}, not yet a checkpoint. */
    private record Written(Instant at, Map<Chain, Long> positions, long events) {}

    private final StreamDefinition stream;
    private final StreamStore store;
    private final StreamProperties properties;
    private final String me;
    private final SealedBox box;
    private final Supplier<List<Chain>> chains;
    private volatile boolean stopping;
    private volatile Thread thread;
    private volatile StreamSink sink;

    private Map<Chain, Long> durable = new LinkedHashMap<>();
    private Map<Chain, Long> cursor = new LinkedHashMap<>();
    private final Deque<Written> written = new ArrayDeque<>();
    private Instant failingSince;
    private Duration backoff = FIRST_BACKOFF;
    private boolean failureLogged;
    private boolean behind = true;
    private int rounds;
    private Instant lagCountedAt;

    StreamLoop(
            StreamDefinition stream,
            StreamStore store,
            StreamProperties properties,
            String me,
            SealedBox box,
            Supplier<List<Chain>> chains) {
        this.stream = stream;
        this.store = store;
        this.properties = properties;
        this.me = me;
        this.box = box;
        this.chains = chains;
    }

    StreamDefinition stream() {
        return stream;
    }

    /** Asks the loop to end: it stops waiting, and a connection it is writing to is closed under it. */
    void stop() {
        stopping = true;
        StreamSink s = sink;
        if (s != null) {
            s.close();
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    boolean finished() {
        return thread == null && stopping;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            if (!stopping) {
                loop();
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (RuntimeException e) {
            log.error("audit stream {} stopped on an unexpected error", stream.id(), e);
        } finally {
            StreamSink s = sink;
            if (s != null) {
                s.close();
            }
            stopping = true;
            thread = null;
        }
    }

    private void loop() throws InterruptedException {
        while (!stopping) {
            try {
                failingSince = store.started(stream.id(), me, stream.resumedAt());
                durable = store.positions(stream.id());
                cursor = new LinkedHashMap<>(durable);
                break;
            } catch (SQLException e) {
                log.warn("audit stream {}: cannot read its state, retrying: {}", stream.id(), e.getMessage());
                pause(properties.pollInterval());
            }
        }
        try {
            sink = open();
        } catch (GeneralSecurityException | RuntimeException e) {
            // A configuration fault, not a delivery failure: it says so in the status and waits for a change.
            String reason = "cannot open the stream's credentials or TLS settings: " + e.getMessage();
            log.warn("audit stream {} cannot start: {}", stream.id(), reason);
            record(reason);
            while (!stopping) {
                pause(properties.refreshInterval());
            }
            return;
        }
        log.info("audit {} started on {}", stream, me);
        while (!stopping) {
            try {
                round();
            } catch (SQLException e) {
                log.warn("audit stream {}: database error, retrying: {}", stream.id(), e.getMessage());
                pause(properties.pollInterval());
            }
        }
    }

    /** One batch: read, send, and record. */
    private void round() throws SQLException, InterruptedException {
        addNewChains();
        if (stopping) {
            return;
        }
        List<StreamEvent> batch = store.read(stream, rotated(), properties.batchSize());
        if (batch.isEmpty()) {
            if (!sink.acknowledges()) {
                checkpoint();
            }
            pause(properties.pollInterval());
            return;
        }
        List<StreamEvent> carried = batch.stream().filter(StreamEvent::carried).toList();
        Map<Chain, Long> next = new LinkedHashMap<>();
        for (StreamEvent e : batch) {
            next.merge(e.chain(), e.offset(), Math::max);
        }
        behind = batch.size() >= properties.batchSize();
        while (!stopping) {
            try {
                if (!carried.isEmpty()) {
                    sink.send(carried);
                }
                break;
            } catch (SinkException e) {
                if (!failed(e.getMessage())) {
                    return;
                }
                if (!sink.acknowledges()) {
                    rewind();
                    return;
                }
            }
        }
        if (stopping) {
            return;
        }
        recovered();
        cursor.putAll(next);
        if (sink.acknowledges()) {
            if (!store.delivered(stream.id(), me, next, carried.size(), lag())) {
                lostLease();
                return;
            }
            durable.putAll(next);
        } else {
            written.add(new Written(Instant.now(), next, carried.size()));
            checkpoint();
        }
    }

    /** The cursor with its chains in another order each round: each chain comes first in turn. */
    private Map<Chain, Long> rotated() {
        List<Map.Entry<Chain, Long>> entries = new ArrayList<>(cursor.entrySet());
        if (entries.isEmpty()) {
            return cursor;
        }
        int first = Math.floorMod(rounds++, entries.size());
        Map<Chain, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Map.Entry<Chain, Long> e = entries.get((first + i) % entries.size());
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Chains that appeared since the stream started get a starting position, saved at once. */
    private void addNewChains() throws SQLException {
        List<Chain> missing = new ArrayList<>();
        for (Chain chain : chains.get()) {
            if (!cursor.containsKey(chain)) {
                missing.add(chain);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        Map<Chain, Long> start = store.startPositions(stream.createdAt(), missing);
        if (!store.started(stream.id(), me, start)) {
            lostLease();
            return;
        }
        durable.putAll(start);
        cursor.putAll(start);
    }

    /**
     * syslog: positions written at least {@code confirm-after} ago become the checkpoint, if the connection is
     * still open now; a closed one is a failure (reconnect and rewind).
     */
    private void checkpoint() throws SQLException {
        Instant due = Instant.now().minus(properties.confirmAfter());
        if (written.isEmpty() || written.peekFirst().at().isAfter(due)) {
            return;
        }
        if (!sink.alive()) {
            if (failed("the collector " + stream.sinkHost() + " closed the connection")) {
                rewind();
            }
            return;
        }
        Map<Chain, Long> confirmed = new HashMap<>();
        long events = 0;
        while (!written.isEmpty() && !written.peekFirst().at().isAfter(due)) {
            Written w = written.removeFirst();
            confirmed.putAll(w.positions());
            events += w.events();
        }
        if (!store.delivered(stream.id(), me, confirmed, events, lag())) {
            lostLease();
            return;
        }
        durable.putAll(confirmed);
    }

    /** syslog: back to the checkpoint; the next round reconnects and resends from there. */
    private void rewind() {
        sink.disconnect();
        written.clear();
        cursor = new LinkedHashMap<>(durable);
    }

    /**
     * Records a failure; answers false when the stream has now failed for {@code pause-after} and paused itself
     * (the loop ends), true after waiting out the backoff.
     */
    private boolean failed(String reason) {
        if (stopping) {
            // A stop closes the connection or interrupts the request under the sink: not the collector's fault.
            return false;
        }
        Instant now = Instant.now();
        if (failingSince == null) {
            failingSince = now;
        }
        if (!failureLogged) {
            log.warn("audit stream {} to {}: delivery failed, retrying: {}", stream.id(), stream.sinkHost(), reason);
            failureLogged = true;
        }
        record(reason);
        if (Duration.between(failingSince, now).compareTo(properties.pauseAfter()) >= 0) {
            String why = "failing since " + failingSince + " (longer than " + properties.pauseAfter() + "): " + reason;
            try {
                store.selfPaused(stream.id(), me, why);
            } catch (SQLException e) {
                log.warn("audit stream {}: could not record its pause: {}", stream.id(), e.getMessage());
            }
            log.warn("audit stream {} to {} paused itself: {}", stream.id(), stream.sinkHost(), why);
            stopping = true;
            return false;
        }
        try {
            pause(backoff);
        } catch (InterruptedException e) {
            stopping = true;
            return false;
        }
        backoff = backoff.multipliedBy(2).compareTo(properties.maxBackoff()) > 0
                ? properties.maxBackoff()
                : backoff.multipliedBy(2);
        return !stopping;
    }

    private void record(String reason) {
        try {
            Long lag = null;
            try {
                behind = true;
                lag = lag();
            } catch (SQLException ignored) {
                // the error matters more than the lag
            }
            store.failed(stream.id(), me, reason, failingSince, lag);
        } catch (SQLException e) {
            log.warn("audit stream {}: could not record its failure: {}", stream.id(), e.getMessage());
        }
    }

    /**
     * The lag to record: 0 when the last read came back short (everything stored was read), otherwise counted (up
     * to {@code lag-cap}) at most once a second, and null (keep the last count) in between.
     */
    private Long lag() throws SQLException {
        if (!behind) {
            return 0L;
        }
        Instant now = Instant.now();
        if (lagCountedAt != null && Duration.between(lagCountedAt, now).compareTo(LAG_EVERY) < 0) {
            return null;
        }
        lagCountedAt = now;
        return store.lag(stream, cursor, properties.lagCap());
    }

    private void recovered() {
        if (failingSince != null || failureLogged) {
            log.info("audit stream {} to {} delivers again", stream.id(), stream.sinkHost());
        }
        failingSince = null;
        failureLogged = false;
        backoff = FIRST_BACKOFF;
    }

    private void lostLease() {
        log.info("audit stream {}: lease lost, another replica runs it", stream.id());
        stopping = true;
    }

    private void pause(Duration how) throws InterruptedException {
        if (!stopping) {
            Thread.sleep(Math.max(1, how.toMillis()));
        }
    }

    private StreamSink open() throws GeneralSecurityException {
        boolean sealed = stream.tokenSealed() != null || stream.caPemSealed() != null;
        if (sealed && box == null) {
            throw new GeneralSecurityException("no sealing key is configured (hostplane.audit.streams.encryption-key, "
                    + "from hostplane.ssl.encryption-key)");
        }
        String token = stream.tokenSealed() == null
                ? null
                : openSealed(stream.tokenSealed(), "audit-stream:" + stream.id() + ":token");
        String caPem = stream.caPemSealed() == null
                ? null
                : openSealed(stream.caPemSealed(), "audit-stream:" + stream.id() + ":ca_pem");
        var tls = SinkTls.context(caPem);
        if ("http".equals(stream.kind())) {
            String authorization =
                    token == null ? null : ("splunk".equals(stream.tokenType()) ? "Splunk " : "Bearer ") + token;
            return new HttpSink(
                    URI.create(stream.url()),
                    authorization,
                    tls,
                    properties.http(),
                    stream.sinkHost(),
                    new SinkAddresses(properties.allowedHosts()));
        }
        if ("syslog".equals(stream.kind())) {
            return new SyslogSink(
                    stream.host(),
                    stream.port(),
                    tls,
                    properties.syslog().hostname(),
                    properties.syslog().connectTimeout(),
                    new SinkAddresses(properties.allowedHosts()));
        }
        throw new GeneralSecurityException("unknown stream kind " + stream.kind());
    }

    private String openSealed(byte[] sealed, String context) throws GeneralSecurityException {
        try {
            return box.openText(sealed, context);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException(
                    "a sealed credential does not open with this service's sealing key (key id " + box.keyId() + ")");
        }
    }
}
