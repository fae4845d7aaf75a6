package io.hostplane.api.websites;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Websites ({@code hostplane.websites.*}).
 *
 * @param upstreamAllowedHosts addresses or CIDR networks a proxy website's upstream may be at although they are
 *     loopback, private or otherwise internal (refused by default, as callback URLs are, so that a tenant cannot
 *     reach the provider's internal services through its website); the local stack allows 127.0.0.1
 */
@ConfigurationProperties("hostplane.websites")
public record WebsiteProperties(@DefaultValue("") List<String> upstreamAllowedHosts) {}
