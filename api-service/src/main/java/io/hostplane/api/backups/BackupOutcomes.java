package io.hostplane.api.backups;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Folds the backup jobs' results into {@code api.backups}, in the transaction that marks the job succeeded:
 * a made backup becomes available and the ones the worker pruned (retention) disappear; a deleted one
 * disappears. A failed {@code backup.create} changes no row: the pending row shows its job's failure.
 */
@Configuration(proxyBeanMethods = false)
class BackupOutcomes {

    @Bean
    JobOutcomeApplier backupCreatedApplier(BackupStore backups) {
        return new JobOutcomeApplier() {
            @Override
            public String jobType() {
                return JobTypes.BACKUP_CREATE;
            }

            @Override
            public Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event) {
                JsonNode r = event.result();
                List<UUID> pruned = new ArrayList<>();
                r.path("pruned").forEach(id -> pruned.add(UUID.fromString(id.asString())));
                return backups.available(
                                UUID.fromString(r.path("backup_id").asString()),
                                r.path("archive").asString(),
                                r.path("size").asLong(),
                                r.path("sha256").asString(),
                                r.path("file_count").asInt(),
                                r.path("total_size").asLong())
                        .then(backups.delete(tenant, pruned));
            }
        };
    }

    @Bean
    JobOutcomeApplier backupDeletedApplier(BackupStore backups) {
        return new JobOutcomeApplier() {
            @Override
            public String jobType() {
                return JobTypes.BACKUP_DELETE;
            }

            @Override
            public Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event) {
                return backups.delete(
                        tenant,
                        List.of(UUID.fromString(event.result().path("backup_id").asString())));
            }
        };
    }
}
