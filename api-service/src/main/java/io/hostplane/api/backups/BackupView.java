package io.hostplane.api.backups;

import java.time.Instant;

/**
 * A backup as the API shows it. {@code status}: {@code pending} (its job has not finished), {@code available},
 * {@code failed} (its job failed or was cancelled; the job says why), {@code deleting}.
 *
 * @param size bytes of the archive
 * @param sha256 SHA-256 of the archive, hex
 * @param fileCount files in the archive
 * @param totalSize bytes of those files
 */
record BackupView(
        String id,
        String domain,
        String label,
        String status,
        Long size,
        String sha256,
        Integer fileCount,
        Long totalSize,
        Instant createdAt,
        Instant completedAt,
        String jobId) {

    /** A stored backup: what is shown, and whose it is and where its archive is, which are not. */
    record Stored(BackupView view, String tenant, String archive) {}
}
