package io.hostplane.api.dns;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Records the applied record when a {@code dns.record.create} job succeeds; a poll's records in one statement. */
@Component
class DnsRecordOutcomes implements JobOutcomeApplier {

    private final DnsRecordStore records;
    private final JsonMapper json;

    DnsRecordOutcomes(DnsRecordStore records, JsonMapper json) {
        this.records = records;
        this.json = json;
    }

    @Override
    public String jobType() {
        return JobTypes.DNS_RECORD_CREATE;
    }

    @Override
    public Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event) {
        return applyAll(List.of(new Succeeded(jobId, tenant, event)));
    }

    @Override
    public Mono<Void> applyAll(List<Succeeded> jobs) {
        return records.applyAll(jobs.stream()
                .map(job -> {
                    JobStateChanged event = job.event();
                    DnsRecord record = json.treeToValue(event.result().get("record"), DnsRecord.class);
                    return new DnsRecordStore.Applied(
                            job.tenant(),
                            event.result().get("zone").asString(),
                            UUID.fromString(record.id()),
                            record,
                            event.sequence() == null ? 0 : event.sequence());
                })
                .toList());
    }
}
