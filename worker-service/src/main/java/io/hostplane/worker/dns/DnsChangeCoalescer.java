package io.hostplane.worker.dns;

import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.job.JobTypes;
import io.hostplane.worker.system.CommandGroupHandler;
import io.hostplane.worker.system.JobResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Lets the worker apply consecutive DNS change jobs of one zone (record create, replace, delete, batch) with one
 * change to the DNS server ({@link DnsBackend#applyTogether}; one PATCH on PowerDNS). A group holds at most
 * {@link #MAX_CHANGES} record changes, as one batch job may; the jobs after that form the next group.
 */
@Component
class DnsChangeCoalescer implements CommandGroupHandler {

    /** The most record changes sent to the server in one go: the same limit as one batch job's. */
    static final int MAX_CHANGES = 1000;

    private static final Set<String> CHANGE_TYPES = Set.of(
            JobTypes.DNS_RECORD_CREATE, JobTypes.DNS_RECORD_REPLACE, JobTypes.DNS_RECORD_DELETE, JobTypes.DNS_BATCH);

    private final DnsBackend backend;
    private final DnsJobResults results;
    private final EventCodec codec;

    DnsChangeCoalescer(DnsBackend backend, DnsJobResults results, EventCodec codec) {
        this.backend = backend;
        this.results = results;
        this.codec = codec;
    }

    @Override
    public String groupKey(String jobType, CloudEvent command) {
        if (!CHANGE_TYPES.contains(jobType)) {
            return null;
        }
        try {
            String zone = zoneChange(jobType, command).zone();
            return zone == null ? null : "dns/" + zone;
        } catch (RuntimeException unreadable) {
            return null; // runs alone, and its handler reports what is wrong with it
        }
    }

    @Override
    public List<JobResult> handleTogether(List<CloudEvent> commands) {
        String zone = null;
        List<ZoneChange> jobs = new ArrayList<>();
        int size = 0;
        for (CloudEvent command : commands) {
            Addressed next = zoneChange(command);
            if (!jobs.isEmpty() && size + next.change().size() > MAX_CHANGES) {
                break;
            }
            zone = next.zone();
            jobs.add(next.change());
            size += next.change().size();
        }
        List<JobResult> done = new ArrayList<>();
        for (ZoneChange.Result result : backend.applyTogether(zone, jobs)) {
            if (result.failure() != null) {
                done.add(JobResult.failed(result.failure()));
            } else if (result.created() != null) {
                done.add(JobResult.succeeded(
                        results.created(zone, result.created().record(), result.warnings())));
            } else {
                done.add(JobResult.succeeded(results.changed(zone, result.applied(), result.warnings())));
            }
        }
        return done;
    }

    private record Addressed(String zone, ZoneChange change) {}

    private Addressed zoneChange(CloudEvent command) {
        return zoneChange(EventTypes.jobTypeOfCommand(command.type()), command);
    }

    private Addressed zoneChange(String jobType, CloudEvent command) {
        if (JobTypes.DNS_RECORD_CREATE.equals(jobType)) {
            CreateDnsRecord create = codec.data(command, CreateDnsRecord.class);
            return new Addressed(create.zone(), ZoneChange.create(create.record()));
        }
        ApplyDnsChanges apply = codec.data(command, ApplyDnsChanges.class);
        return new Addressed(apply.zone(), ZoneChange.apply(apply.changes()));
    }
}
