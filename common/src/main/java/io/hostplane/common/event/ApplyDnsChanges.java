package io.hostplane.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hostplane.common.dns.DnsRecord;
import java.util.List;

/**
 * Command {@code dns.batch}, {@code dns.record.replace} and {@code dns.record.delete}: apply these changes
 * to one zone, all or nothing, in order. Record ids are chosen by the API.
 */
public record ApplyDnsChanges(String zone, List<Change> changes) {

    /** One change: {@code create} or {@code replace} carry the record; {@code delete} only the id. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Change(String op, String id, DnsRecord record) {}
}
