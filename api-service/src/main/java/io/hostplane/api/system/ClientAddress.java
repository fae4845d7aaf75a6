package io.hostplane.api.system;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.springframework.web.server.ServerWebExchange;

/**
 * The caller's address: the TCP peer. {@code X-Forwarded-For} is not trusted (a proxy in front would have
 * to be configured as trusted first, which is not built yet), so allowed-CIDR checks cannot be spoofed.
 */
public final class ClientAddress {

    /** Reactor context key under which {@link RequestIdFilter} makes the address available to the chain. */
    public static final String CONTEXT_KEY = "hostplane.clientAddress";

    private ClientAddress() {}

    public static InetAddress of(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null ? InetAddress.getLoopbackAddress() : remote.getAddress();
    }
}
