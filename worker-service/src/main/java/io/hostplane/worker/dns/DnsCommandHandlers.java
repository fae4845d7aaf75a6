package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.event.CreateZone;
import io.hostplane.common.event.DeleteZone;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.system.CommandHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The DNS job types: {@code domain.create} and {@code domain.delete} (its zone) and the record changes. */
@Configuration(proxyBeanMethods = false)
class DnsCommandHandlers {

    @Bean
    CommandHandler zoneCreateHandler(DnsBackend backend, EventCodec codec) {
        return new CommandHandler() {
            @Override
            public String jobType() {
                return JobTypes.DOMAIN_CREATE;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                CreateZone create = codec.data(command, CreateZone.class);
                backend.createZone(command.tenant(), create.zone());
                return new Outcome(codec.tree(Map.of("zone", create.zone())), List.of());
            }
        };
    }

    @Bean
    CommandHandler zoneDeleteHandler(DnsBackend backend, EventCodec codec) {
        return new CommandHandler() {
            @Override
            public String jobType() {
                return JobTypes.DOMAIN_DELETE;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                DeleteZone delete = codec.data(command, DeleteZone.class);
                backend.deleteZone(delete.zone());
                return new Outcome(codec.tree(Map.of("zone", delete.zone())), List.of());
            }
        };
    }

    @Bean
    CommandHandler recordCreateHandler(DnsBackend backend, DnsWarnings warnings, EventCodec codec) {
        return new CommandHandler() {
            @Override
            public String jobType() {
                return JobTypes.DNS_RECORD_CREATE;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                CreateDnsRecord create = codec.data(command, CreateDnsRecord.class);
                DnsBackend.Applied applied = backend.createRecord(create.zone(), create.record());
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("zone", create.zone());
                result.put("record", applied.record());
                List<Warning> all = new ArrayList<>(applied.warnings());
                if (all.isEmpty()) {
                    all.addAll(warnings.about(create.zone(), List.of(applied.record())));
                }
                return new Outcome(codec.tree(result), all);
            }
        };
    }

    @Bean
    CommandHandler dnsBatchHandler(DnsBackend backend, DnsWarnings warnings, EventCodec codec) {
        return changes(JobTypes.DNS_BATCH, backend, warnings, codec);
    }

    @Bean
    CommandHandler recordReplaceHandler(DnsBackend backend, DnsWarnings warnings, EventCodec codec) {
        return changes(JobTypes.DNS_RECORD_REPLACE, backend, warnings, codec);
    }

    @Bean
    CommandHandler recordDeleteHandler(DnsBackend backend, DnsWarnings warnings, EventCodec codec) {
        return changes(JobTypes.DNS_RECORD_DELETE, backend, warnings, codec);
    }

    private static CommandHandler changes(String jobType, DnsBackend backend, DnsWarnings warnings, EventCodec codec) {
        return new CommandHandler() {
            @Override
            public String jobType() {
                return jobType;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                ApplyDnsChanges apply = codec.data(command, ApplyDnsChanges.class);
                List<ApplyDnsChanges.Change> applied = backend.applyBatch(apply.zone(), apply.changes());
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("zone", apply.zone());
                result.put("changes", applied);
                List<DnsRecord> written = applied.stream()
                        .filter(c -> c.record() != null)
                        .map(ApplyDnsChanges.Change::record)
                        .toList();
                return new Outcome(codec.tree(result), warnings.about(apply.zone(), written));
            }
        };
    }
}
