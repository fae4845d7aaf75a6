package io.hostplane.common.event;

/**
 * Command {@code backup.restore}: replace the site of {@code domain} with the content of backup
 * {@code backupId}, once every checksum in the archive has been verified. {@code sha256} is the archive's
 * digest as recorded when it was made (hex), checked too when present.
 */
public record RestoreBackup(String backupId, String domain, String sha256) {}
