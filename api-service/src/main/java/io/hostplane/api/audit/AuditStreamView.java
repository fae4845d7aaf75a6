package io.hostplane.api.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An audit stream as {@code /audit/streams} shows it: its definition without credentials (a token and a CA are
 * shown by fingerprint only), and how its deliveries go as the audit service last recorded.
 *
 * <p>{@code status}: {@code active} (delivering, or waiting for events), {@code failing} (deliveries fail and are
 * retried since {@code failing_since}), {@code paused} (by a caller), {@code suspended} (the audit service paused
 * it after failing too long; {@code paused_reason} says why; resume to try again).
 *
 * @param position per {@code topic/partition}, the last offset delivered (for syslog: the last one confirmed)
 * @param lag matching events stored and not delivered yet (counted up to a cap), null before the first count
 * @param delivered events delivered since the stream started, repeats after a rewind included
 */
record AuditStreamView(
        String id,
        String kind,
        String tenant,
        String url,
        String host,
        Integer port,
        List<String> types,
        String description,
        Credential token,
        Credential ca,
        String status,
        Instant pausedAt,
        String pausedReason,
        Map<String, Long> position,
        Long lag,
        long delivered,
        Instant lastDeliveryAt,
        LastError lastError,
        Instant failingSince,
        Instant startedAt,
        Instant createdAt,
        Instant updatedAt) {

    /** A credential by its fingerprint (and, for a token, its scheme): never the value. */
    record Credential(String type, String fingerprint) {}

    /** The last failed delivery: why (never a credential or a URL's path) and when. */
    record LastError(String message, Instant at) {}

    static AuditStreamView of(AuditStreamStore.Stored s, AuditStreamStatuses.Status st) {
        boolean suspended = st.selfPausedAt() != null
                && (s.resumedAt() == null || st.selfPausedAt().isAfter(s.resumedAt()));
        String status = s.pausedAt() != null
                ? "paused"
                : suspended ? "suspended" : st.failingSince() != null ? "failing" : "active";
        return new AuditStreamView(
                s.id().toString(),
                s.kind(),
                s.tenant(),
                s.url(),
                s.host(),
                s.port(),
                s.types(),
                s.description(),
                s.tokenFingerprint() == null ? null : new Credential(s.tokenType(), s.tokenFingerprint()),
                s.caFingerprint() == null ? null : new Credential("x509", s.caFingerprint()),
                status,
                s.pausedAt() != null ? s.pausedAt() : suspended ? st.selfPausedAt() : null,
                s.pausedAt() != null ? "paused by a caller" : suspended ? st.selfPausedReason() : null,
                st.position(),
                st.lag(),
                st.delivered(),
                st.lastDeliveryAt(),
                st.lastError() == null ? null : new LastError(st.lastError(), st.lastErrorAt()),
                st.failingSince(),
                st.startedAt(),
                s.createdAt(),
                s.updatedAt());
    }
}
