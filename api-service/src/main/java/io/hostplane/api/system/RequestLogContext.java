package io.hostplane.api.system;

import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.platform.LogFields;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import org.slf4j.MDC;

/**
 * Puts the request's ids on every log line written while it is answered: {@code request_id}, and once the
 * caller is authenticated {@code tenant} and {@code token_id} (ids only, never the token). The
 * {@link RequestContext} travels in the Reactor context; with automatic context propagation
 * ({@code spring.reactor.context-propagation: auto}) Reactor restores this accessor's value, and so the MDC, on
 * whichever thread a signal of the request arrives — Netty's, R2DBC's, the acceptance batcher's — and clears it
 * afterwards, as it does for Micrometer Tracing's {@code traceId} and {@code spanId}.
 */
final class RequestLogContext implements ThreadLocalAccessor<RequestContext> {

    private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

    private RequestLogContext() {}

    /** Registers the accessor with Micrometer's context registry (once per JVM; registering again replaces it). */
    static void register() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(new RequestLogContext());
    }

    @Override
    public Object key() {
        return RequestContext.KEY;
    }

    @Override
    public RequestContext getValue() {
        return CURRENT.get();
    }

    @Override
    public void setValue(RequestContext context) {
        CURRENT.set(context);
        put(context);
    }

    @Override
    public void setValue() {
        CURRENT.remove();
        clear();
    }

    /**
     * Sets the MDC for {@code context} on this thread until the returned scope is closed, for code that runs
     * outside the request's Reactor context (e.g. once the response is complete).
     */
    static Scope open(RequestContext context) {
        RequestContext previous = CURRENT.get();
        if (context != null) {
            CURRENT.set(context);
            put(context);
        }
        return () -> {
            if (previous != null) {
                CURRENT.set(previous);
                put(previous);
            } else {
                CURRENT.remove();
                clear();
            }
        };
    }

    /** The caller became known: the thread that learnt it logs with tenant and token id from now on. */
    static void authenticated(RequestContext context) {
        if (CURRENT.get() == context) {
            put(context);
        }
    }

    private static void put(RequestContext context) {
        MDC.put(LogFields.REQUEST_ID, context.requestId());
        ApiPrincipal caller = context.caller();
        putOrRemove(LogFields.TENANT, caller == null ? null : caller.tenant());
        putOrRemove(LogFields.TOKEN_ID, caller == null ? null : caller.tokenId());
    }

    private static void putOrRemove(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    private static void clear() {
        MDC.remove(LogFields.REQUEST_ID);
        MDC.remove(LogFields.TENANT);
        MDC.remove(LogFields.TOKEN_ID);
    }

    /** Restores the thread's previous MDC when closed. */
    interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
