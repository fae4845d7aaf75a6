package io.hostplane.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An API request was answered. Carries who (token id, principal, client address), what (method, path
 * without query values that could hold secrets) and the outcome (status); never a token or a body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestRecorded(
        String requestId,
        String method,
        String path,
        int status,
        String tokenId,
        String principal,
        String clientIp,
        long durationMs,
        String jobId) {}
