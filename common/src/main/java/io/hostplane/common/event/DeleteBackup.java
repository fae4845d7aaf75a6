package io.hostplane.common.event;

/** Command {@code backup.delete}: remove the archive of backup {@code backupId} of {@code domain}. */
public record DeleteBackup(String backupId, String domain) {}
