package io.hostplane.api.system;

import io.hostplane.api.tokens.ApiPrincipal;
import org.springframework.web.server.ServerWebExchange;

/**
 * What is known about the request being answered, filled in as it passes the filters: its id, its trace
 * context, and the authenticated caller (set by token introspection, which sees no exchange), read by the
 * request recorder once the response is written, whatever the outcome (401 and 429 included), and put on the
 * request's log lines ({@link RequestLogContext}).
 */
public final class RequestContext {

    /** Reactor context key and exchange attribute name. */
    public static final String KEY = "hostplane.requestContext";

    private final String requestId;
    private final String traceparent;
    private volatile ApiPrincipal caller;

    RequestContext(String requestId, String traceparent) {
        this.requestId = requestId;
        this.traceparent = traceparent;
    }

    public static RequestContext of(ServerWebExchange exchange) {
        return exchange.getAttribute(KEY);
    }

    public String requestId() {
        return requestId;
    }

    /**
     * The W3C {@code traceparent} of the request's server span (the caller's trace, continued, or a new one), for
     * the events the request causes; null without tracing.
     */
    public String traceparent() {
        return traceparent;
    }

    public ApiPrincipal caller() {
        return caller;
    }

    public void authenticated(ApiPrincipal caller) {
        this.caller = caller;
        RequestLogContext.authenticated(this);
    }
}
