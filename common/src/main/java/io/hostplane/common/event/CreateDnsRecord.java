package io.hostplane.common.event;

import io.hostplane.common.dns.DnsRecord;

/** Command {@code dns.record.create}: add one record (its id chosen by the API) to a zone. */
public record CreateDnsRecord(String zone, DnsRecord record) {}
