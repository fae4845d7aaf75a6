package io.hostplane.common.event;

import java.util.List;

/**
 * An audit stream was {@code created}, {@code updated}, {@code paused}, {@code resumed} or {@code deleted}
 * ({@code /audit/streams}). Names the sink by kind and host only: never its URL (whose path may carry a secret),
 * token or CA.
 */
public record AuditStreamChanged(
        String streamId,
        String action,
        String kind,
        String host,
        String streamTenant,
        List<String> types,
        String actorTokenId) {}
