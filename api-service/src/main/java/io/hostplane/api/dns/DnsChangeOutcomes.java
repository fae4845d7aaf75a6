package io.hostplane.api.dns;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.List;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Folds applied DNS changes (batch, replace, delete) into the record view when their job succeeds. */
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
                String zone = event.result().get("zone").asString();
                List<ApplyDnsChanges.Change> changes =
                        List.of(json.treeToValue(event.result().get("changes"), ApplyDnsChanges.Change[].class));
                long version = event.sequence() == null ? 0 : event.sequence();
                return Flux.fromIterable(changes)
                        .concatMap(change -> change.op().equals("delete")
                                ? records.delete(tenant, zone, UUID.fromString(change.id()), version)
                                : records.upsert(tenant, zone, change.record(), version))
                        .then();
            }
        };
    }
}
