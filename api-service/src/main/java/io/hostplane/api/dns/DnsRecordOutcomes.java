package io.hostplane.api.dns;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Records the applied record when a {@code dns.record.create} job succeeds. */
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
        String zone = event.result().get("zone").asString();
        DnsRecord record = json.treeToValue(event.result().get("record"), DnsRecord.class);
        return records.upsert(tenant, zone, record, event.sequence() == null ? 0 : event.sequence());
    }
}
