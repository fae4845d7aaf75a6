package io.hostplane.audit.stream;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of {@code api.audit_streams} as the runner reads it, with the stream's self-pause from its status. The
 * credentials stay sealed here; {@link StreamLoop} opens them when it starts. {@link #toString()} names the stream
 * and its host only: the URL's path and query may carry a secret.
 *
 * @param createdAt events stored from this time on are carried
 */
record StreamDefinition(
        UUID id,
        String tenant,
        String kind,
        String url,
        String host,
        Integer port,
        List<String> types,
        String tokenType,
        byte[] tokenSealed,
        byte[] caPemSealed,
        Instant pausedAt,
        Instant resumedAt,
        Instant createdAt,
        long version,
        Instant selfPausedAt) {

    /** Paused by a caller, or by the audit service after failing too long and not resumed since. */
    boolean paused() {
        return pausedAt != null || (selfPausedAt != null && (resumedAt == null || selfPausedAt.isAfter(resumedAt)));
    }

    /** The host the sink talks to, for logs and errors (never the URL's path or query). */
    String sinkHost() {
        if ("http".equals(kind)) {
            try {
                java.net.URI uri = java.net.URI.create(url);
                return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            } catch (RuntimeException e) {
                return "(unparsable URL)";
            }
        }
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "stream " + id + " (" + kind + " to " + sinkHost() + ", version " + version + ")";
    }
}
