package io.hostplane.api.system;

import io.hostplane.api.tokens.ApiPrincipal;
import org.springframework.web.server.ServerWebExchange;

/**
 * What is known about the request being answered, filled in as it passes the filters: the authenticated
 * caller (set by token introspection, which sees no exchange), read by the request recorder once the
 * response is written, whatever the outcome (401 and 429 included).
 */
public final class RequestContext {

    /** Reactor context key and exchange attribute name. */
    public static final String KEY = "hostplane.requestContext";

    private volatile ApiPrincipal caller;

    public static RequestContext of(ServerWebExchange exchange) {
        return exchange.getAttribute(KEY);
    }

    public ApiPrincipal caller() {
        return caller;
    }

    public void authenticated(ApiPrincipal caller) {
        this.caller = caller;
    }
}
