package io.hostplane.worker.backup;

import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a backup archive holds, written as its last entry ({@value #ENTRY_NAME}) once every file has been
 * streamed and hashed: one {@link Entry} per directory, regular file and symbolic link of the site, by path
 * relative to the site's root ({@code /}-separated, without the archive's {@value #SITE_PREFIX} prefix).
 *
 * @param format {@value #FORMAT}
 * @param fileCount regular files
 * @param totalSize bytes of the regular files, as stored
 */
public record Manifest(String format, String domain, int fileCount, long totalSize, List<Entry> entries) {

    public static final String FORMAT = "hostplane-backup/1";

    /** The manifest's name in the archive. */
    public static final String ENTRY_NAME = "MANIFEST.json";

    /** Every file of the site is stored under this directory in the archive. */
    public static final String SITE_PREFIX = "site/";

    /**
     * @param type {@code file}, {@code dir} or {@code symlink}
     * @param size bytes (files), else 0
     * @param sha256 hex digest of the content (files), else {@code null}
     * @param target the link's target, relative and inside the site (symlinks), else {@code null}
     */
    public record Entry(String path, String type, long size, String sha256, String target) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    byte[] toJson() {
        return JSON.writeValueAsBytes(this);
    }

    /** The manifest in {@code json}, or {@code null} if it is not one. */
    static Manifest parse(byte[] json) {
        try {
            Manifest m = JSON.readValue(json, Manifest.class);
            return m != null && FORMAT.equals(m.format()) && m.entries() != null ? m : null;
        } catch (JacksonException e) {
            return null;
        }
    }
}
