package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.job.Warning;
import java.util.List;

/**
 * Where zones live, chosen by {@code hostplane.dns.backend}: {@code local} (PostgreSQL only, the local
 * stack's default), {@code powerdns} (PowerDNS Authoritative's HTTP API) or {@code rfc2136} (signed dynamic
 * updates to any authoritative server). Every method is idempotent. A backend throws
 * {@link io.hostplane.worker.system.JobFailure} when the job cannot succeed and
 * {@link io.hostplane.worker.system.TransientBackendException} when trying again may help.
 */
public interface DnsBackend {

    /** Creates the zone if it does not exist. */
    void createZone(String tenant, String zone);

    /** Removes the zone and its records; a zone that does not exist is already removed. */
    void deleteZone(String zone);

    /**
     * Adds {@code record} (its id chosen by the API) to {@code zone}. If an identical record (same name,
     * type and content) already exists under another id, nothing changes and the existing record is
     * returned with the warning {@code RECORD_EXISTS}.
     */
    Applied createRecord(String zone, DnsRecord record);

    /**
     * Applies {@code changes} to {@code zone} in order, all or nothing: if one cannot be applied, none is
     * (a {@code replace} of a record that does not exist fails the batch; a {@code delete} of one that does
     * not exist is already done). Returns what was applied, in order.
     */
    List<ApplyDnsChanges.Change> applyBatch(String zone, List<ApplyDnsChanges.Change> changes);

    /**
     * Applies several jobs' changes to {@code zone}, in order, as one change to the server, each job all or
     * nothing on its own: a job that cannot be applied (a {@code replace} of a missing record) fails alone and
     * the others go ahead. Returns one result for each of a leading part of {@code jobs}; the worker applies
     * the rest one by one. Throws, with nothing applied, when the combined change cannot be made
     * ({@link io.hostplane.worker.system.TransientBackendException} when trying again may help; anything else
     * makes the worker apply each job alone, so that each gets its own outcome).
     *
     * <p>By default none is applied here: backends without a combined change apply each job alone.
     */
    default List<ZoneChange.Result> applyTogether(String zone, List<ZoneChange> jobs) {
        return List.of();
    }

    record Applied(DnsRecord record, List<Warning> warnings) {}
}
