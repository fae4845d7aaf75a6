package io.hostplane.api.system;

import io.hostplane.api.tokens.Cidr;
import io.hostplane.common.id.Ids;
import java.net.InetAddress;
import java.util.List;
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
 * checks find it (the TCP peer, or the client a trusted proxy names: {@link ClientAddress}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter implements WebFilter {

    private final List<Cidr> trustedProxies;

    RequestIdFilter(HttpProperties http) {
        this.trustedProxies = http.trustedProxyNetworks();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = Ids.ulid();
        exchange.getAttributes().put(RequestIds.ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(RequestIds.HEADER, id);
        InetAddress client = ClientAddress.resolve(exchange, trustedProxies);
        exchange.getAttributes().put(ClientAddress.ATTRIBUTE, client);
        RequestContext context = new RequestContext();
        exchange.getAttributes().put(RequestContext.KEY, context);
        return chain.filter(exchange)
                .contextWrite(ctx -> ctx.put(ClientAddress.CONTEXT_KEY, client).put(RequestContext.KEY, context));
    }
}
