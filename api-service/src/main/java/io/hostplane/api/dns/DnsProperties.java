package io.hostplane.api.dns;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param minTtl smallest TTL a record may have, in seconds
 * @param maxTtl largest TTL a record may have, in seconds
 * @param defaultTtl TTL of a record created without one
 */
@ConfigurationProperties("hostplane.dns.records")
public record DnsProperties(
        @DefaultValue("60") int minTtl,
        @DefaultValue("86400") int maxTtl,
        @DefaultValue("3600") int defaultTtl) {}
