package io.hostplane.worker.backup;

import io.hostplane.common.job.Warning;
import java.util.List;

/**
 * A finished archive.
 *
 * @param fileCount regular files stored
 * @param totalSize bytes of those files
 * @param archiveSize bytes of the compressed archive
 * @param sha256 hex SHA-256 of the archive file
 * @param warnings files skipped or stored while they changed
 */
public record ArchiveSummary(int fileCount, long totalSize, long archiveSize, String sha256, List<Warning> warnings) {}
