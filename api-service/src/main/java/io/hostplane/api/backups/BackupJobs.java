package io.hostplane.api.backups;

import io.hostplane.api.domains.DomainView;
import io.hostplane.api.jobs.JobService;
import io.hostplane.api.jobs.JobView;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CreateBackup;
import io.hostplane.common.event.DeleteBackup;
import io.hostplane.common.event.RestoreBackup;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobTypes;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Accepts the backup jobs. Their commands are keyed {@code tenant/site/domain}: one site's backups, restores
 * and deletions run one after the other, in the order accepted; different sites proceed in parallel.
 */
@Service
class BackupJobs {

    static final String KEY_KIND = "site";

    private final BackupStore backups;
    private final JobService jobs;

    BackupJobs(BackupStore backups, JobService jobs) {
        this.backups = backups;
        this.jobs = jobs;
    }

    /** {@code backup.create}, with the backup's {@code pending} row in the job's transaction. */
    Mono<JobView> create(DomainView domain, String label, ApiPrincipal caller, String requestId) {
        UUID id = Ids.uuidV7();
        JobService.NewJob job = new JobService.NewJob(
                domain.tenant(),
                JobTypes.BACKUP_CREATE,
                "backups/" + id,
                KEY_KIND,
                domain.name(),
                new CreateBackup(id.toString(), domain.name(), label));
        return jobs.accept(
                job,
                caller,
                requestId,
                jobId -> backups.insertPending(id, domain.tenant(), domain.name(), label, jobId));
    }

    Mono<JobView> restore(BackupView.Stored backup, ApiPrincipal caller, String requestId) {
        BackupView b = backup.view();
        if (!b.status().equals("available")) {
            return Mono.error(notAvailable(b));
        }
        JobService.NewJob job = new JobService.NewJob(
                backup.tenant(),
                JobTypes.BACKUP_RESTORE,
                "backups/" + b.id(),
                KEY_KIND,
                b.domain(),
                new RestoreBackup(b.id(), b.domain(), b.sha256()));
        return jobs.accept(job, caller, requestId);
    }

    /** {@code backup.delete}; the row is {@code deleting} from now on, and goes when the job succeeds. */
    Mono<JobView> delete(BackupView.Stored backup, ApiPrincipal caller, String requestId) {
        BackupView b = backup.view();
        JobService.NewJob job = new JobService.NewJob(
                backup.tenant(),
                JobTypes.BACKUP_DELETE,
                "backups/" + b.id(),
                KEY_KIND,
                b.domain(),
                new DeleteBackup(b.id(), b.domain()));
        return jobs.accept(
                job,
                caller,
                requestId,
                jobId -> backups.markDeleting(UUID.fromString(b.id()))
                        .flatMap(marked -> marked ? Mono.<Void>empty() : Mono.error(notAvailable(b))));
    }

    static ApiException notAvailable(BackupView b) {
        return ApiException.conflict(
                "Backup " + b.id() + " is " + b.status() + "; only an available backup can be used.",
                ErrorCodes.BACKUP_NOT_AVAILABLE);
    }
}
