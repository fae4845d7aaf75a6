package io.hostplane.api.system;

import io.hostplane.common.id.Ids;
import io.hostplane.common.net.Cidr;
import io.hostplane.platform.Traceparents;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.propagation.Propagator;
import java.net.InetAddress;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every request an id (a ULID) before anything else runs, and puts it in the {@code X-Request-Id}
 * header of every response, errors and non-enveloped responses included. A client-sent id is not trusted:
 * ids in the audit log must be unique. Also puts the caller's address in the Reactor context, where token
 * checks find it (the TCP peer, or the client a trusted proxy names: {@link ClientAddress}), and the
 * {@link RequestContext}: the request's id and trace context for its log lines ({@link RequestLogContext}) and for
 * the commands it creates. The trace is the HTTP server span's, which Micrometer started before any filter:
 * a child of the caller's {@code traceparent} header if one came, else a new trace.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter implements WebFilter {

    private final List<Cidr> trustedProxies;
    private final Propagator propagator;

    RequestIdFilter(HttpProperties http, ObjectProvider<Propagator> propagator) {
        this.trustedProxies = http.trustedProxyNetworks();
        this.propagator = propagator.getIfAvailable(() -> Propagator.NOOP);
        RequestLogContext.register();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = Ids.ulid();
        exchange.getAttributes().put(RequestIds.ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
        InetAddress client = ClientAddress.resolve(exchange, trustedProxies);
        exchange.getAttributes().put(ClientAddress.ATTRIBUTE, client);
        RequestContext context = new RequestContext(id, traceparent(exchange));
        exchange.getAttributes().put(RequestContext.KEY, context);
        return chain.filter(exchange)
                .contextWrite(ctx -> ctx.put(ClientAddress.CONTEXT_KEY, client).put(RequestContext.KEY, context));
    }

    /** The {@code traceparent} of the request's server span, if the request is traced. */
    private String traceparent(ServerWebExchange exchange) {
        Span span = ServerSpans.of(exchange);
        return span == null ? null : Traceparents.of(propagator, span.context());
    }
}
