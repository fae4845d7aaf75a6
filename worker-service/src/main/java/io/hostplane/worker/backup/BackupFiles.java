package io.hostplane.worker.backup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where sites and archives are: {@code {sites-dir}/{domain}} and {@code {store-dir}/{tenant}/{domain}/{id}.tar.gz}.
 * Names from commands are checked before they become paths.
 */
final class BackupFiles {

    static final String SUFFIX = ".tar.gz";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}");

    private final Path sitesDir;
    private final Path storeDir;

    BackupFiles(Path sitesDir, Path storeDir) {
        this.sitesDir = sitesDir.toAbsolutePath().normalize();
        this.storeDir = storeDir.toAbsolutePath().normalize();
    }

    Path site(String domain) {
        return sitesDir.resolve(safe(domain));
    }

    Path archive(String tenant, String domain, String backupId) {
        return directory(tenant, domain).resolve(UUID.fromString(backupId) + SUFFIX);
    }

    /** The archive's path relative to the store, as the API finds it in its copy of the store. */
    String relative(Path archive) {
        return storeDir.relativize(archive).toString().replace('\\', '/');
    }

    /**
     * Deletes the domain's oldest archives beyond {@code keep} (ids are UUIDv7: their order is their age);
     * returns the ids deleted.
     */
    List<String> prune(String tenant, String domain, int keep) throws IOException {
        Path dir = directory(tenant, domain);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : listing) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".")) {
                    ids.add(name.substring(0, name.length() - SUFFIX.length()));
                }
            }
        }
        ids.sort(Comparator.reverseOrder());
        List<String> pruned = new ArrayList<>();
        for (String id : ids.subList(Math.min(Math.max(keep, 1), ids.size()), ids.size())) {
            Files.deleteIfExists(dir.resolve(id + SUFFIX));
            pruned.add(id);
        }
        return pruned;
    }

    private Path directory(String tenant, String domain) {
        return storeDir.resolve(safe(tenant)).resolve(safe(domain));
    }

    /** A single, plain path segment (no separators, no {@code ..}), or IllegalArgumentException. */
    static String safe(String name) {
        if (name == null || !SAFE.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("not a safe name: " + name);
        }
        return name;
    }
}
