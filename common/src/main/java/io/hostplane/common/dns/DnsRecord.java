package io.hostplane.common.dns;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One DNS record as the API shows it: {@code name} relative to the zone ({@code @} for the apex),
 * {@code content} in presentation format; {@code priority} only for MX and SRV.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DnsRecord(String id, String name, String type, Integer ttl, String content, Integer priority) {}
