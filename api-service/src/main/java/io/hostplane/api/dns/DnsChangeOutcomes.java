package io.hostplane.api.dns;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Folds applied DNS changes (batch, replace, delete) into the record view when their job succeeds; a poll's
 * changes in one statement.
 */
@Configuration(proxyBeanMethods = false)
class DnsChangeOutcomes {

    @Bean
    JobOutcomeApplier dnsBatchOutcome(DnsRecordStore records, JsonMapper json) {
        return applier(JobTypes.DNS_BATCH, records, json);
    }

    @Bean
    JobOutcomeApplier dnsReplaceOutcome(DnsRecordStore records, JsonMapper json) {
        return applier(JobTypes.DNS_RECORD_REPLACE, records, json);
    }

    @Bean
    JobOutcomeApplier dnsDeleteOutcome(DnsRecordStore records, JsonMapper json) {
        return applier(JobTypes.DNS_RECORD_DELETE, records, json);
    }

    private static JobOutcomeApplier applier(String type, DnsRecordStore records, JsonMapper json) {
        return new JobOutcomeApplier() {
            @Override
            public String jobType() {
                return type;
            }

            @Override
            public Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event) {
                return applyAll(List.of(new Succeeded(jobId, tenant, event)));
            }

            @Override
            public Mono<Void> applyAll(List<Succeeded> jobs) {
                List<DnsRecordStore.Applied> applied = new ArrayList<>();
                for (Succeeded job : jobs) {
                    JobStateChanged event = job.event();
                    String zone = event.result().get("zone").asString();
                    long version = event.sequence() == null ? 0 : event.sequence();
                    for (ApplyDnsChanges.Change change :
                            json.treeToValue(event.result().get("changes"), ApplyDnsChanges.Change[].class)) {
                        applied.add(new DnsRecordStore.Applied(
                                job.tenant(),
                                zone,
                                UUID.fromString(change.id()),
                                change.op().equals("delete") ? null : change.record(),
                                version));
                    }
                }
                return records.applyAll(applied);
            }
        };
    }
}
