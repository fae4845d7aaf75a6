package io.hostplane.worker.backup;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Restores a site from an archive written by {@link SiteArchiver}. First the whole archive is read and every
 * entry checked against the manifest (and the archive against its recorded SHA-256, when known); a damaged
 * archive changes nothing. Then it is extracted into a hidden directory beside the site (checked again as
 * it is written) and swapped in: the current site is renamed aside, the new one renamed into place, the old
 * one deleted. Between the two renames (two {@code rename(2)} calls on one file system) the site's path does
 * not exist; files the web server holds open stay readable throughout.
 *
 * <p>Entries that would land outside the site ({@code ../}, absolute paths, links leading out of it) make the
 * archive damaged. A plain class, usable without Spring.
 */
public final class SiteRestorer {

    /** A manifest larger than this is not believed (about a million entries). */
    static final int MAX_MANIFEST = 256 * 1024 * 1024;

    /** Reads the whole archive and checks it against its manifest; returns the manifest. */
    public Manifest verify(Path archive, String expectedSha256) throws IOException, DamagedArchiveException {
        return new Pass(archive, expectedSha256, null).run();
    }

    /**
     * Verifies {@code archive}, then replaces the directory {@code site} (or the directory it links to) with its
     * content. Returns the manifest restored.
     */
    public Manifest restore(Path archive, String expectedSha256, Path site)
            throws IOException, DamagedArchiveException {
        verify(archive, expectedSha256);
        Path target =
                Files.exists(site) ? site.toRealPath() : site.toAbsolutePath().normalize();
        String name = target.getFileName().toString();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        deleteLeftovers(parent, "." + name + ".restore-");
        Path fresh = parent.resolve("." + name + ".restore-" + UUID.randomUUID());
        Files.createDirectory(fresh);
        Manifest manifest;
        try {
            manifest = new Pass(archive, expectedSha256, fresh).run();
        } catch (IOException | DamagedArchiveException | RuntimeException e) {
            deleteTree(fresh);
            throw e;
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            Path old = parent.resolve("." + name + ".old-" + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        }
        // The site just replaced, and any left by a restore interrupted between its two renames.
        deleteLeftovers(parent, "." + name + ".old-");
        return manifest;
    }

    /** One read of the archive: checks every entry, and writes them below {@code into} when it is not null. */
    private static final class Pass {

        private final Path archive;
        private final String expectedSha256;
        private final Path into;
        private final Map<String, Manifest.Entry> seen = new HashMap<>();
        private final byte[] buffer = new byte[SiteArchiver.BUFFER];
        private Manifest manifest;

        Pass(Path archive, String expectedSha256, Path into) {
            this.archive = archive;
            this.expectedSha256 = expectedSha256;
            this.into = into;
        }

        Manifest run() throws IOException, DamagedArchiveException {
            MessageDigest archiveDigest = Hex.sha256();
            InputStream file = Files.newInputStream(archive);
            // The digest below the buffer: the gzip reader marks and resets its input, which must not count twice.
            try (InputStream raw =
                    new BufferedInputStream(new DigestInputStream(file, archiveDigest), SiteArchiver.BUFFER)) {
                GzipCompressorInputStream gzip = new GzipCompressorInputStream(raw);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip);
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    entry(tar, entry);
                }
                // The rest of the gzip stream (tar padding, the gzip trailer whose CRC is checked at its end)
                // and anything after it: all of it is in the archive's digest.
                drain(gzip);
                drain(raw);
            } catch (IOException | IllegalArgumentException e) {
                if (into != null && e instanceof IOException io) {
                    // Verified already: a fault now is the disk's (or the archive changed since), worth a retry.
                    throw io;
                }
                throw new DamagedArchiveException("The archive cannot be read: " + e.getMessage(), e);
            }
            String sha = Hex.of(archiveDigest);
            if (expectedSha256 != null && !expectedSha256.equalsIgnoreCase(sha)) {
                throw new DamagedArchiveException(
                        "The archive's SHA-256 is " + sha + ", not " + expectedSha256 + " as recorded.");
            }
            if (manifest == null) {
                throw new DamagedArchiveException("The archive has no manifest.");
            }
            if (manifest.entries().size() != seen.size()) {
                throw new DamagedArchiveException("The archive holds " + seen.size() + " entries; its manifest lists "
                        + manifest.entries().size() + ".");
            }
            for (Manifest.Entry listed : manifest.entries()) {
                Manifest.Entry found = seen.get(listed.path());
                if (found == null || !found.equals(listed)) {
                    throw new DamagedArchiveException(listed.path() + " does not match the manifest.");
                }
            }
            return manifest;
        }

        private void entry(TarArchiveInputStream tar, TarArchiveEntry entry)
                throws IOException, DamagedArchiveException {
            String name = entry.getName();
            if (name.equals(Manifest.ENTRY_NAME)) {
                if (manifest != null || entry.getSize() > MAX_MANIFEST) {
                    throw new DamagedArchiveException("The archive's manifest is invalid.");
                }
                ByteArrayOutputStream json = new ByteArrayOutputStream((int) entry.getSize());
                tar.transferTo(json);
                manifest = Manifest.parse(json.toByteArray());
                if (manifest == null) {
                    throw new DamagedArchiveException("The archive's manifest is invalid.");
                }
                return;
            }
            String path = relativePath(name);
            Manifest.Entry found;
            if (entry.isDirectory()) {
                found = new Manifest.Entry(path, "dir", 0, null, null);
                if (into != null) {
                    Files.createDirectories(inside(path));
                }
            } else if (entry.isSymbolicLink()) {
                String target = entry.getLinkName();
                Path at = inside(path);
                if (target.isEmpty()
                        || Path.of(target).isAbsolute()
                        || !at.getParent().resolve(target).normalize().startsWith(root())) {
                    throw new DamagedArchiveException(path + " links outside the site (" + target + ").");
                }
                found = new Manifest.Entry(path, "symlink", 0, null, target);
                if (into != null) {
                    Files.createDirectories(at.getParent());
                    Files.createSymbolicLink(at, Path.of(target));
                }
            } else if (entry.isFile()) {
                MessageDigest digest = Hex.sha256();
                long size = 0;
                OutputStream out = into == null ? OutputStream.nullOutputStream() : create(path);
                try (out) {
                    int n;
                    while ((n = tar.read(buffer)) > 0) {
                        digest.update(buffer, 0, n);
                        out.write(buffer, 0, n);
                        size += n;
                    }
                }
                found = new Manifest.Entry(path, "file", size, Hex.of(digest), null);
                if (into != null) {
                    Path written = inside(path);
                    Files.setPosixFilePermissions(written, permissions(entry.getMode()));
                    Files.setLastModifiedTime(written, entry.getLastModifiedTime());
                }
            } else {
                throw new DamagedArchiveException(path + " is of a kind a backup does not hold.");
            }
            if (seen.put(path, found) != null) {
                throw new DamagedArchiveException(path + " is in the archive twice.");
            }
        }

        /** The entry's path below {@value Manifest#SITE_PREFIX}, refused if it could leave the site. */
        private String relativePath(String name) throws DamagedArchiveException {
            if (!name.startsWith(Manifest.SITE_PREFIX)) {
                throw new DamagedArchiveException("Unexpected entry " + name + ".");
            }
            String path = name.substring(Manifest.SITE_PREFIX.length());
            if (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
                throw new DamagedArchiveException("Unsafe entry " + name + ".");
            }
            for (String part : path.split("/", -1)) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    throw new DamagedArchiveException("Unsafe entry " + name + ".");
                }
            }
            return path;
        }

        private Path root() {
            return into == null ? Path.of("/verify-root") : into;
        }

        private Path inside(String path) throws DamagedArchiveException {
            Path resolved = root().resolve(path).normalize();
            if (!resolved.startsWith(root()) || resolved.equals(root())) {
                throw new DamagedArchiveException("Unsafe entry " + path + ".");
            }
            return resolved;
        }

        /** A new file at {@code path}, refused if a directory on the way is a link (it could lead outside). */
        private OutputStream create(String path) throws IOException, DamagedArchiveException {
            Path at = inside(path);
            Files.createDirectories(at.getParent());
            if (!at.getParent().toRealPath().startsWith(into.toRealPath())) {
                throw new DamagedArchiveException(path + " would be written through a link.");
            }
            return Files.newOutputStream(
                    at, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                set.add(p);
            }
        }
        return set;
    }

    private static void deleteLeftovers(Path parent, String prefix) throws IOException {
        try (var listing =
                Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path leftover : List.copyOf(listOf(listing))) {
                deleteTree(leftover);
            }
        }
    }

    private static List<Path> listOf(Iterable<Path> paths) {
        List<Path> all = new java.util.ArrayList<>();
        paths.forEach(all::add);
        return all;
    }

    /** Deletes a tree without following links (a link is removed, never what it points to). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
