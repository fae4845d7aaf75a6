package io.hostplane.api.system;

import org.springframework.web.server.ServerWebExchange;

/** Exchange attributes set while a request is answered. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = "hostplane.requestId";
    public static final String JOB_ATTRIBUTE = "hostplane.jobId";
    static final String MISSING_SCOPE_ATTRIBUTE = "hostplane.missingScope";

    private RequestIds() {}

    /** The id of the request being answered (set by {@link RequestIdFilter} before anything else runs). */
    public static String of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    /** Records the job a request created, for its request record. */
    public static void jobCreated(ServerWebExchange exchange, String jobId) {
        exchange.getAttributes().put(JOB_ATTRIBUTE, jobId);
    }
}
