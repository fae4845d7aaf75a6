package io.hostplane.api.backups;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(BackupOutcomes.class);

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
                UUID backupId = uuid(r == null ? null : r.path("backup_id"));
                if (backupId == null) {
                    return unreadable(jobId);
                }
                List<UUID> pruned = new ArrayList<>();
                r.path("pruned").forEach(id -> {
                    UUID parsed = uuid(id);
                    if (parsed != null) {
                        pruned.add(parsed);
                    }
                });
                return backups.available(
                                backupId,
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
                UUID backupId =
                        uuid(event.result() == null ? null : event.result().path("backup_id"));
                return backupId == null ? unreadable(jobId) : backups.delete(tenant, List.of(backupId));
            }
        };
    }

    /**
     * A result without a backup id is logged and skipped: failing here would roll back the whole batch of
     * folded events and retry it for ever.
     */
    private static Mono<Void> unreadable(UUID jobId) {
        log.warn("job {}: succeeded without a backup id in its result; no backup row changed", jobId);
        return Mono.empty();
    }

    private static UUID uuid(JsonNode node) {
        if (node == null || !node.isString()) {
            return null;
        }
        try {
            return UUID.fromString(node.asString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
