package io.hostplane.api.system;

import io.hostplane.api.tokens.Cidr;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param trustedProxies addresses or CIDR networks of the proxies in front of the API (a load balancer);
 *     only requests from these may name the client in {@code X-Forwarded-For}. Empty (the default): the
 *     TCP peer is the client.
 */
@ConfigurationProperties("hostplane.http")
public record HttpProperties(@DefaultValue("") List<String> trustedProxies) {

    public List<Cidr> trustedProxyNetworks() {
        return Cidr.parseAll(trustedProxies, "hostplane.http.trusted-proxies");
    }
}
