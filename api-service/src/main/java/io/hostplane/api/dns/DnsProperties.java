package io.hostplane.api.dns;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param minTtl smallest TTL a record may have, in seconds
 * @param maxTtl largest TTL a record may have, in seconds
 * @param defaultTtl TTL of a record created without one
 * @param cnameCacheTtl how long a replica keeps each zone's CNAMEs in memory for the CNAME rule checked at
 *     acceptance; the worker checks the rule again against the zone as it is when the change is applied
 */
@ConfigurationProperties("hostplane.dns.records")
public record DnsProperties(
        @DefaultValue("60") int minTtl,
        @DefaultValue("86400") int maxTtl,
        @DefaultValue("3600") int defaultTtl,
        @DefaultValue("2s") Duration cnameCacheTtl) {}
