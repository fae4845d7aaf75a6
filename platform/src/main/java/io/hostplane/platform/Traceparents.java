package io.hostplane.platform;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;

/**
 * W3C trace context ({@code traceparent}) as the CloudEvents distributed-tracing extension carries it in an
 * event: written from a span's context, and read back as the parent of a span that continues the trace. The
 * propagator is Spring Boot's ({@code management.tracing.propagation.type: w3c}).
 */
public final class Traceparents {

    /** The header name, and the CloudEvents extension attribute. */
    public static final String TRACEPARENT = "traceparent";

    private Traceparents() {}

    /** The {@code traceparent} of {@code context}, or null when there is none. */
    public static String of(Propagator propagator, TraceContext context) {
        if (context == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(context, carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /**
     * A span builder whose parent is {@code traceparent} (the span continues that trace); with no or an unreadable
     * {@code traceparent}, a builder that starts a new trace.
     */
    public static Span.Builder continuing(Propagator propagator, String traceparent) {
        Map<String, String> carrier = traceparent == null ? Map.of() : Map.of(TRACEPARENT, traceparent);
        return propagator.extract(carrier, Map::get);
    }
}
