package io.hostplane.worker.backup;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateBackup;
import io.hostplane.common.event.DeleteBackup;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.RestoreBackup;
import io.hostplane.common.job.JobTypes;
import io.hostplane.worker.system.CommandHandler;
import io.hostplane.worker.system.JobFailure;
import io.hostplane.worker.system.TransientBackendException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The backup job types. Each is idempotent: a backup's archive has a fixed name (the backup id, chosen by the
 * API) and is replaced whole when written again; a restore of the same archive gives the same site; deleting
 * an archive that is gone already succeeds. Commands are keyed {@code tenant/site/domain}, so the jobs of one
 * site run one after the other.
 */
@Configuration(proxyBeanMethods = false)
class BackupCommandHandlers {

    @Bean
    BackupFiles backupFiles(BackupProperties properties) {
        return new BackupFiles(properties.sitesDir(), properties.storeDir());
    }

    @Bean
    CommandHandler backupCreateHandler(BackupFiles files, BackupProperties properties, EventCodec codec) {
        SiteArchiver archiver = new SiteArchiver();
        return new CommandHandler() {
            @Override
            public String jobType() {
                return JobTypes.BACKUP_CREATE;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                CreateBackup create = codec.data(command, CreateBackup.class);
                Path site = paths(() -> files.site(create.domain()));
                Path archive = paths(() -> files.archive(command.tenant(), create.domain(), create.backupId()));
                // The API cannot see the worker's disk, so a missing site is found here, and is final.
                if (!Files.isDirectory(site)) {
                    throw new JobFailure(
                            ErrorCodes.SITE_NOT_FOUND, "There is no site directory for " + create.domain() + ".");
                }
                try {
                    ArchiveSummary summary = archiver.archive(create.domain(), site, archive);
                    List<String> pruned = files.prune(command.tenant(), create.domain(), properties.keepLast());
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("backup_id", create.backupId());
                    result.put("domain", create.domain());
                    result.put("archive", files.relative(archive));
                    result.put("size", summary.archiveSize());
                    result.put("sha256", summary.sha256());
                    result.put("file_count", summary.fileCount());
                    result.put("total_size", summary.totalSize());
                    result.put("pruned", pruned);
                    return new Outcome(codec.tree(result), summary.warnings());
                } catch (IOException e) {
                    throw new TransientBackendException("backup of " + create.domain() + " failed: " + e, e);
                }
            }
        };
    }

    @Bean
    CommandHandler backupRestoreHandler(BackupFiles files, EventCodec codec) {
        SiteRestorer restorer = new SiteRestorer();
        return new CommandHandler() {
            @Override
            public String jobType() {
                return JobTypes.BACKUP_RESTORE;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                RestoreBackup restore = codec.data(command, RestoreBackup.class);
                Path site = paths(() -> files.site(restore.domain()));
                Path archive = paths(() -> files.archive(command.tenant(), restore.domain(), restore.backupId()));
                try {
                    Manifest manifest = restorer.restore(archive, restore.sha256(), site);
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("backup_id", restore.backupId());
                    result.put("domain", restore.domain());
                    result.put("file_count", manifest.fileCount());
                    result.put("total_size", manifest.totalSize());
                    return new Outcome(codec.tree(result), List.of());
                } catch (NoSuchFileException e) {
                    throw new JobFailure(
                            ErrorCodes.BACKUP_NOT_FOUND, "The archive of backup " + restore.backupId() + " is gone.");
                } catch (DamagedArchiveException e) {
                    throw new JobFailure(
                            ErrorCodes.ARCHIVE_DAMAGED,
                            "The backup is damaged; the site was not changed. " + e.getMessage());
                } catch (IOException e) {
                    throw new TransientBackendException("restore of " + restore.domain() + " failed: " + e, e);
                }
            }
        };
    }

    @Bean
    CommandHandler backupDeleteHandler(BackupFiles files, EventCodec codec) {
        return new CommandHandler() {
            @Override
            public String jobType() {
                return JobTypes.BACKUP_DELETE;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                DeleteBackup delete = codec.data(command, DeleteBackup.class);
                Path archive = paths(() -> files.archive(command.tenant(), delete.domain(), delete.backupId()));
                try {
                    boolean deleted = Files.deleteIfExists(archive);
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("backup_id", delete.backupId());
                    result.put("domain", delete.domain());
                    result.put("deleted", deleted);
                    return new Outcome(codec.tree(result), List.of());
                } catch (IOException e) {
                    throw new TransientBackendException("deleting backup " + delete.backupId() + " failed: " + e, e);
                }
            }
        };
    }

    /** A path built from a command's names; a name unfit for a path fails the job. */
    private static Path paths(java.util.function.Supplier<Path> path) {
        try {
            return path.get();
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCodes.INVALID, "The command names an invalid domain, tenant or backup id.");
        }
    }
}
