package io.hostplane.api.system;

import io.hostplane.common.net.Cidr;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param trustedProxies addresses or CIDR networks of the proxies in front of the API (a load balancer);
 *     only requests from these may name the client in {@code X-Forwarded-For}. Empty (the default): the
 *     TCP peer is the client.
 * @param requestHeadTimeout how long a client has to send a whole request head (request line and headers),
 *     counted from the connection's opening for its first request and from the first byte of each later one; a
 *     fixed deadline, which bytes trickling in do not extend. Then the connection is closed (with a 408 if part of
 *     a head had come). Never applies while a request is being answered (docs/http.md).
 * @param idleTimeout how long a keep-alive connection may wait for its next request once the previous answer
 *     has been sent; then it is closed.
 */
@ConfigurationProperties("hostplane.http")
public record HttpProperties(
        @DefaultValue("") List<String> trustedProxies,
        @DefaultValue("10s") Duration requestHeadTimeout,
        @DefaultValue("60s") Duration idleTimeout) {

    public HttpProperties {
        requirePositive(requestHeadTimeout, "hostplane.http.request-head-timeout");
        requirePositive(idleTimeout, "hostplane.http.idle-timeout");
    }

    public List<Cidr> trustedProxyNetworks() {
        return Cidr.parseAll(trustedProxies, "hostplane.http.trusted-proxies");
    }

    private static void requirePositive(Duration value, String property) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be positive, not " + value + ".");
        }
    }
}
