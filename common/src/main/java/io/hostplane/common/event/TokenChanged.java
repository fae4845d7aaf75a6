package io.hostplane.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A token's lifecycle fact: created, revoked or rotated. Names the token by id and hint only; the token and
 * its hash never appear in an event.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenChanged(
        String tokenId,
        String hint,
        String tenant,
        String principal,
        List<String> scopes,
        Instant expiresAt,
        Instant revokedAt,
        String replacedBy,
        String actorTokenId) {}
