package io.hostplane.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * An OAuth device-flow fact: a request approved or denied by a user, or a token issued, refreshed or revoked
 * through it. Names tokens by id and hint only; never the token, the verify token or a password.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OAuthChanged(
        String requestId,
        String appName,
        String tenant,
        String userId,
        List<String> scopes,
        String tokenId,
        String tokenHint,
        String previousTokenId,
        Instant tokenExpiresAt,
        String clientIp) {}
