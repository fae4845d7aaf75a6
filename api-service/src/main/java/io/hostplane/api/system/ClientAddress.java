package io.hostplane.api.system;

import io.hostplane.common.net.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.web.server.ServerWebExchange;

/**
 * The caller's address. By default the TCP peer: {@code X-Forwarded-For} is ignored, so that allowed-CIDR
 * checks and per-address limits cannot be spoofed. When the peer is one of the configured trusted proxies
 * ({@code hostplane.http.trusted-proxies}, e.g. the balancer in front of several replicas), the address is
 * the right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy: entries further left were
 * written by the client and prove nothing.
 */
public final class ClientAddress {

    /** Reactor context key under which {@link RequestIdFilter} makes the address available to the chain. */
    public static final String CONTEXT_KEY = "hostplane.clientAddress";

    static final String ATTRIBUTE = "hostplane.clientAddress";

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ClientAddress() {}

    /** The address {@link RequestIdFilter} resolved for this request (the TCP peer if it has not run). */
    public static InetAddress of(ServerWebExchange exchange) {
        InetAddress resolved = exchange.getAttribute(ATTRIBUTE);
        return resolved != null ? resolved : peer(exchange);
    }

    static InetAddress resolve(ServerWebExchange exchange, List<Cidr> trustedProxies) {
        InetAddress peer = peer(exchange);
        if (trustedProxies.isEmpty() || !trusted(peer, trustedProxies)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String line : exchange.getRequest().getHeaders().getValuesAsList("X-Forwarded-For")) {
            for (String part : line.split(",")) {
                hops.add(part.strip());
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                return peer; // a malformed hop: believe no further
            }
            if (!trusted(hop, trustedProxies)) {
                return hop;
            }
        }
        return peer;
    }

    private static boolean trusted(InetAddress address, List<Cidr> trustedProxies) {
        return trustedProxies.stream().anyMatch(c -> c.contains(address));
    }

    /** An IP address literal, never a name (no DNS lookup happens here), or null. */
    private static InetAddress literal(String text) {
        if (!IP_LITERAL.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress peer(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null ? InetAddress.getLoopbackAddress() : remote.getAddress();
    }
}
