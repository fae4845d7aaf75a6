package io.hostplane.worker.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Test sites on the real file system, and what a tree holds as path → content digest. */
final class SiteTrees {

    private SiteTrees() {}

    /**
     * A small site: nested directories, a binary file, an empty file, links inside it (kept) and outside it
     * (skipped with SYMLINK_OUTSIDE), and a FIFO (skipped with FILE_UNREADABLE: never opened, it would block).
     */
    static void write(Path site) throws Exception {
        Files.createDirectories(site.resolve("assets/css"));
        Files.createDirectories(site.resolve("assets/img/empty-dir"));
        Files.writeString(site.resolve("index.html"), "<h1>hello</h1>\n");
        Files.writeString(site.resolve("assets/css/site.css"), "body { color: #333 }\n");
        byte[] binary = new byte[200_000];
        new Random(42).nextBytes(binary);
        Files.write(site.resolve("assets/img/logo.bin"), binary);
        Files.write(site.resolve("empty.txt"), new byte[0]);
        Files.createSymbolicLink(site.resolve("home.html"), Path.of("index.html"));
        Files.createSymbolicLink(site.resolve("assets/top"), Path.of("../index.html"));
        Files.createSymbolicLink(site.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(site.resolve("assets/up"), Path.of("../../"));
        Process mkfifo = new ProcessBuilder("mkfifo", site.resolve("pipe").toString())
                .inheritIO()
                .start();
        if (mkfifo.waitFor() != 0) {
            throw new IllegalStateException("mkfifo failed");
        }
    }

    /** What {@link #write} leaves out of a backup. */
    static final java.util.Set<String> SKIPPED = java.util.Set.of("passwd", "assets/up", "pipe");

    /** path → {@code dir}, {@code link:target} or the content's SHA-256, for every entry under {@code root}. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink()) {
                    tree.put(rel, "link:" + Files.readSymbolicLink(p));
                } else if (a.isDirectory()) {
                    tree.put(rel, "dir");
                } else if (a.isRegularFile()) {
                    tree.put(rel, sha256(p));
                } else {
                    tree.put(rel, "special");
                }
            }
        }
        return tree;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = Hex.sha256();
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                d.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(
                file, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            var b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.flip();
            byte flipped = (byte) (b.get(0) ^ 0x5a);
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {flipped}), offset);
        }
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
