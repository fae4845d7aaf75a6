package io.hostplane.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An API request was answered. Carries who (token id, principal, client address, user agent; none for a
 * request without a valid token), what (method, path without the query string, and the route's template)
 * and the outcome (status); never a token, a header value other than the user agent, or a body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestRecorded(
        String requestId,
        String method,
        String path,
        String pathTemplate,
        int status,
        String tokenId,
        String principal,
        String clientIp,
        String userAgent,
        long durationMs,
        String jobId) {}
