package io.hostplane.audit.stream;

import java.util.List;

/** Where a stream's events go: an HTTP collector ({@link HttpSink}) or a syslog collector ({@link SyslogSink}). */
interface StreamSink extends AutoCloseable {

    /**
     * Sends {@code events} (all carried, in offset order per chain). Returns when an HTTP collector acknowledged
     * them, or when they were written to a syslog collector's connection; throws with a message fit for the
     * stream's status (never a credential, never a URL's path or query).
     */
    void send(List<StreamEvent> events) throws SinkException;

    /** Whether a return from {@link #send} means the collector has the events (HTTP), not only that they left. */
    boolean acknowledges();

    /** Whether the connection is still up (the peer has not closed it); sinks without one answer true. */
    default boolean alive() {
        return true;
    }

    /** Drops the connection, if any: the next send makes a new one. */
    default void disconnect() {}

    @Override
    void close();

    /** A failed delivery, with a reason that is safe to store and show. */
    final class SinkException extends Exception {
        SinkException(String reason) {
            super(reason, null, false, false);
        }
    }
}
