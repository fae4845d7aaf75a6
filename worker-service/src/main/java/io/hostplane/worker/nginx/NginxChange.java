package io.hostplane.worker.nginx;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One change of nginx's files: every file it writes or deletes, with what the file held before (or that it did
 * not exist), so that {@link #restore} puts them all back when nginx refuses the result. Each write goes to a
 * temporary file in the same folder and is moved into place atomically.
 *
 * <p>Every change of a worker process runs under {@link #locked}: {@code nginx -t} checks every file at once, so
 * two changes side by side (a certificate and a website) could fail each other or reload half of the other.
 */
public final class NginxChange {

    private static final ReentrantLock LOCK = new ReentrantLock();

    /** What a changed file held before: its bytes and mode, or null when it did not exist. */
    private record Before(byte[] content, String mode) {}

    private final Map<Path, Before> before = new LinkedHashMap<>();

    /** Something done under the lock that may fail with an I/O error. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws IOException;
    }

    /** Runs {@code work} while no other nginx change of this process runs. */
    public static <T> T locked(Work<T> work) throws IOException {
        LOCK.lock();
        try {
            return work.run();
        } finally {
            LOCK.unlock();
        }
    }

    /** Writes {@code content} to {@code file} (created with {@code mode}, e.g. {@code rw-r--r--}), atomically. */
    public void write(Path file, byte[] content, String mode) throws IOException {
        remember(file);
        Files.createDirectories(file.getParent());
        writeAtomically(file, content, mode);
    }

    /** Deletes {@code file} if it exists; returns whether it did. */
    public boolean delete(Path file) throws IOException {
        remember(file);
        return Files.deleteIfExists(file);
    }

    /** Whether {@code file} existed before this change touched it (or exists now, if untouched). */
    public boolean existedBefore(Path file) {
        Before b = before.get(file.toAbsolutePath());
        return b == null ? Files.exists(file) : b.content() != null;
    }

    /** The files this change wrote or deleted, in order. */
    public List<Path> files() {
        return new ArrayList<>(before.keySet());
    }

    /** Puts every file back as it was before this change, in reverse order. */
    public void restore() throws IOException {
        List<Path> files = files();
        for (int i = files.size() - 1; i >= 0; i--) {
            Path file = files.get(i);
            Before b = before.get(file);
            if (b.content() == null) {
                Files.deleteIfExists(file);
            } else {
                writeAtomically(file, b.content(), b.mode());
            }
        }
    }

    private void remember(Path file) throws IOException {
        Path key = file.toAbsolutePath();
        if (before.containsKey(key)) {
            return;
        }
        if (Files.exists(key)) {
            before.put(
                    key,
                    new Before(
                            Files.readAllBytes(key),
                            PosixFilePermissions.toString(Files.getPosixFilePermissions(key))));
        } else {
            before.put(key, new Before(null, null));
        }
    }

    /** Writes {@code content} to a temporary file in the same folder, created with {@code mode}, and moves it over {@code file}. */
    public static void writeAtomically(Path file, byte[] content, String mode) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
