package io.hostplane.api.system;

import io.hostplane.common.id.Ids;
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
 * checks find it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = Ids.ulid();
        exchange.getAttributes().put(RequestIds.ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
        RequestContext context = new RequestContext();
        exchange.getAttributes().put(RequestContext.KEY, context);
        return chain.filter(exchange)
                .contextWrite(ctx -> ctx.put(ClientAddress.CONTEXT_KEY, ClientAddress.of(exchange))
                        .put(RequestContext.KEY, context));
    }
}
