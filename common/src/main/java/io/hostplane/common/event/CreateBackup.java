package io.hostplane.common.event;

/**
 * Command {@code backup.create}: archive the site (document root) of {@code domain} as backup
 * {@code backupId}, then prune the domain's oldest backups beyond the configured number to keep.
 */
public record CreateBackup(String backupId, String domain, String label) {}
