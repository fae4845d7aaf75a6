package io.hostplane.worker.backup;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.job.Warning;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Streams a site's directory tree into a {@code .tar.gz} archive with a {@link Manifest} as its last entry.
 * No file and no part of the archive is held in memory beyond one 64 KiB buffer (the manifest grows with
 * the number of files, not their size). The archive is written to a hidden file beside its final name and
 * moved into place atomically, so a reader never sees a partial archive; writing it again (a redelivered
 * job) replaces it whole.
 *
 * <p>What cannot be stored well is skipped or stored as found, with a warning of type {@code BACKUP}:
 * {@code FILE_UNREADABLE} (permission denied, or not a regular file: FIFO, socket, device),
 * {@code FILE_CHANGED} (size or modification time differ before and after reading: stored as read),
 * {@code SYMLINK_OUTSIDE} (a symbolic link leading out of the site: not followed, not stored). Links that
 * stay inside the site are stored as links, with a relative target.
 *
 * <p>A plain class, usable without Spring (the benchmark calls it directly).
 */
public final class SiteArchiver {

    static final int BUFFER = 64 * 1024;

    /** Warnings listed one by one; beyond this many, one more warning says how many were left out. */
    static final int MAX_WARNINGS = 100;

    /** Archives {@code site} (a directory, or a link to one) into {@code archive}. */
    public ArchiveSummary archive(String domain, Path site, Path archive) throws IOException {
        Path root = site.toRealPath();
        Path partial = archive.resolveSibling("." + archive.getFileName() + ".partial");
        Files.createDirectories(archive.getParent());
        Run run = new Run(root);
        MessageDigest archiveDigest = Hex.sha256();
        CountingOutputStream counted = null;
        try {
            counted = new CountingOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), BUFFER));
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                    new GzipCompressorOutputStream(new DigestOutputStream(counted, archiveDigest)))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                run.tar = tar;
                run.directory(root, "");
                byte[] json = new Manifest(Manifest.FORMAT, domain, run.fileCount, run.totalSize, run.entries).toJson();
                TarArchiveEntry entry = new TarArchiveEntry(Manifest.ENTRY_NAME);
                entry.setSize(json.length);
                tar.putArchiveEntry(entry);
                tar.write(json);
                tar.closeArchiveEntry();
            } // closing writes the tar's end blocks and the gzip trailer, down to the file
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new ArchiveSummary(
                    run.fileCount, run.totalSize, counted.count(), Hex.of(archiveDigest), run.warnings());
        } catch (IOException | RuntimeException e) {
            if (counted != null) {
                counted.close();
            }
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /** One archiving pass: the tar stream, the manifest so far, the warnings. */
    private static final class Run {

        private final Path root;
        private final byte[] buffer = new byte[BUFFER];
        private final List<Manifest.Entry> entries = new ArrayList<>();
        private final List<Warning> warnings = new ArrayList<>();
        private int omittedWarnings;
        private TarArchiveOutputStream tar;
        private int fileCount;
        private long totalSize;

        Run(Path root) {
            this.root = root;
        }

        List<Warning> warnings() {
            List<Warning> all = new ArrayList<>(warnings);
            if (omittedWarnings > 0) {
                all.add(new Warning(
                        "BACKUP", ErrorCodes.MORE_WARNINGS, omittedWarnings + " more warnings were not listed."));
            }
            return all;
        }

        void warn(String code, String message) {
            if (warnings.size() < MAX_WARNINGS) {
                warnings.add(new Warning("BACKUP", code, message));
            } else {
                omittedWarnings++;
            }
        }

        /** Stores the children of {@code dir} (relative path {@code rel}, "" for the root), sorted by name. */
        void directory(Path dir, String rel) throws IOException {
            Path[] children;
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
                List<Path> found = new ArrayList<>();
                listing.forEach(found::add);
                children = found.toArray(Path[]::new);
            } catch (IOException e) {
                warn(
                        ErrorCodes.FILE_UNREADABLE,
                        "Directory " + display(rel) + " could not be read (" + reason(e)
                                + "); its content was not backed up.");
                return;
            }
            Arrays.sort(children, Comparator.comparing(p -> p.getFileName().toString()));
            for (Path child : children) {
                String path = rel.isEmpty() ? child.getFileName().toString() : rel + "/" + child.getFileName();
                PosixFileAttributes attrs;
                try {
                    attrs = Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    warn(ErrorCodes.FILE_UNREADABLE, path + " could not be read (" + reason(e) + "); skipped.");
                    continue;
                }
                if (attrs.isSymbolicLink()) {
                    symlink(child, path);
                } else if (attrs.isDirectory()) {
                    TarArchiveEntry entry = new TarArchiveEntry(Manifest.SITE_PREFIX + path + "/");
                    entry.setMode(mode(attrs.permissions()) | 040000);
                    entry.setLastModifiedTime(attrs.lastModifiedTime());
                    tar.putArchiveEntry(entry);
                    tar.closeArchiveEntry();
                    entries.add(new Manifest.Entry(path, "dir", 0, null, null));
                    directory(child, path);
                } else if (attrs.isRegularFile()) {
                    file(child, path, attrs);
                } else {
                    warn(
                            ErrorCodes.FILE_UNREADABLE,
                            path + " is not a regular file (FIFO, socket or device); skipped.");
                }
            }
        }

        private void symlink(Path link, String path) throws IOException {
            Path target;
            try {
                target = Files.readSymbolicLink(link);
            } catch (IOException e) {
                warn(ErrorCodes.FILE_UNREADABLE, path + " could not be read (" + reason(e) + "); skipped.");
                return;
            }
            Path resolved = link.getParent().resolve(target).normalize();
            if (!resolved.startsWith(root)) {
                warn(
                        ErrorCodes.SYMLINK_OUTSIDE,
                        path + " is a symbolic link to " + target + ", outside the site; it was not followed and not "
                                + "backed up.");
                return;
            }
            String relative = link.getParent().relativize(resolved).toString().replace('\\', '/');
            if (relative.isEmpty()) {
                relative = ".";
            }
            TarArchiveEntry entry = new TarArchiveEntry(Manifest.SITE_PREFIX + path, TarConstants.LF_SYMLINK);
            entry.setLinkName(relative);
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
            entries.add(new Manifest.Entry(path, "symlink", 0, null, relative));
        }

        private void file(Path file, String path, PosixFileAttributes before) throws IOException {
            InputStream in;
            try {
                in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                warn(ErrorCodes.FILE_UNREADABLE, path + " could not be read (" + reason(e) + "); skipped.");
                return;
            }
            long size = before.size();
            MessageDigest digest = Hex.sha256();
            boolean changed = false;
            try (in) {
                TarArchiveEntry entry = new TarArchiveEntry(Manifest.SITE_PREFIX + path);
                entry.setSize(size);
                entry.setMode(mode(before.permissions()) | 0100000);
                entry.setLastModifiedTime(before.lastModifiedTime());
                tar.putArchiveEntry(entry);
                long left = size;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        // Shrunk while being read: the entry's size is written already, so pad it with zeros.
                        changed = true;
                        Arrays.fill(buffer, (byte) 0);
                        n = (int) Math.min(buffer.length, left);
                    }
                    digest.update(buffer, 0, n);
                    tar.write(buffer, 0, n);
                    left -= n;
                }
                if (in.read() >= 0) {
                    changed = true; // grew while being read: stored up to its size at the start
                }
                tar.closeArchiveEntry();
            }
            try {
                PosixFileAttributes after =
                        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                changed |= after.size() != size || !after.lastModifiedTime().equals(before.lastModifiedTime());
            } catch (IOException e) {
                changed = true; // gone while being read
            }
            if (changed) {
                warn(
                        ErrorCodes.FILE_CHANGED,
                        path + " changed while it was being backed up; the copy in the backup may be inconsistent.");
            }
            fileCount++;
            totalSize += size;
            entries.add(new Manifest.Entry(path, "file", size, Hex.of(digest), null));
        }
    }

    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    private static String display(String rel) {
        return rel.isEmpty() ? "/" : rel;
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException
                ? "permission denied"
                : e.getClass().getSimpleName();
    }

    /** Counts the bytes written through it: the archive's size without asking the file system. */
    static final class CountingOutputStream extends java.io.FilterOutputStream {

        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }
}
