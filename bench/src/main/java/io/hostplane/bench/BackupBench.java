package io.hostplane.bench;

import static io.hostplane.bench.BenchSupport.seconds;

import io.hostplane.worker.backup.ArchiveSummary;
import io.hostplane.worker.backup.SiteArchiver;
import io.hostplane.worker.backup.SiteRestorer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Throughput and memory of the worker's backup archiver on a generated site: {@code FILES} files of
 * {@code MIB} MiB each (half random bytes, half repeated markup: compressible about as much as a real site's
 * mix of media and text) in a temporary directory, archived to a {@code .tar.gz}, then verified as a restore
 * verifies it; everything is deleted afterwards. Run it with a small heap ({@code bench/backup.sh} uses
 * {@code -Xmx64m}) to show that memory does not grow with the site.
 *
 * <pre>java -Xmx64m -cp … io.hostplane.bench.BackupBench [FILES] [MIB] [DIR]</pre>
 */
public final class BackupBench {

    private BackupBench() {}

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path base = args.length > 2 ? Path.of(args[2]) : Path.of(System.getProperty("java.io.tmpdir"));
        Path work = Files.createTempDirectory(base, "hostplane-backup-bench");
        try {
            Path site = work.resolve("sites/bench.test");
            long t0 = System.nanoTime();
            long bytes = generate(site, files, mib);
            double genSeconds = seconds(t0);
            resetPeaks();

            long t1 = System.nanoTime();
            ArchiveSummary summary =
                    new SiteArchiver().archive("bench.test", site, work.resolve("store/t/bench.test/a.tar.gz"));
            double archiveSeconds = seconds(t1);
            long archiveHeap = peakHeap();

            resetPeaks();
            long t2 = System.nanoTime();
            new SiteRestorer().verify(work.resolve("store/t/bench.test/a.tar.gz"), summary.sha256());
            double verifySeconds = seconds(t2);
            long verifyHeap = peakHeap();

            System.out.printf(
                    Locale.ROOT,
                    "site: %d files x %d MiB = %.0f MiB (generated in %.1f s)%n",
                    files,
                    mib,
                    bytes / 1048576.0,
                    genSeconds);
            System.out.printf(
                    Locale.ROOT,
                    "archive: %.1f s, %.1f MB/s of site data, archive %.0f MiB (%.0f%%), warnings %d%n",
                    archiveSeconds,
                    bytes / 1e6 / archiveSeconds,
                    summary.archiveSize() / 1048576.0,
                    100.0 * summary.archiveSize() / bytes,
                    summary.warnings().size());
            System.out.printf(
                    Locale.ROOT,
                    "verify (restore's first pass): %.1f s, %.1f MB/s of site data%n",
                    verifySeconds,
                    bytes / 1e6 / verifySeconds);
            System.out.printf(
                    Locale.ROOT,
                    "peak heap used: archive %.1f MiB, verify %.1f MiB (max heap %.0f MiB); peak RSS %s%n",
                    archiveHeap / 1048576.0,
                    verifyHeap / 1048576.0,
                    Runtime.getRuntime().maxMemory() / 1048576.0,
                    peakRss());
        } finally {
            deleteTree(work);
        }
    }

    private static long generate(Path site, int files, int mib) throws IOException {
        byte[] markup = "<div class=\"post\"><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p></div>\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] block = new byte[1024 * 1024];
        SplittableRandom random = new SplittableRandom(1);
        long total = 0;
        for (int i = 0; i < files; i++) {
            Path dir = Files.createDirectories(site.resolve(String.format(Locale.ROOT, "d%02d", i % 64)));
            try (OutputStream out = Files.newOutputStream(dir.resolve("f" + i + ".bin"))) {
                for (int m = 0; m < mib; m++) {
                    for (int k = 0; k < block.length / 2; k += 8) {
                        long r = random.nextLong();
                        for (int b = 0; b < 8; b++) {
                            block[k + b] = (byte) (r >>> (8 * b));
                        }
                    }
                    for (int k = block.length / 2; k < block.length; k++) {
                        block[k] = markup[k % markup.length];
                    }
                    out.write(block);
                    total += block.length;
                }
            }
        }
        return total;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    /** The sum of the heap pools' peaks since the last reset: an upper bound of the heap in use at once. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** VmHWM from /proc (Linux): the process's peak resident set. */
    private static String peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.substring("VmHWM:".length()).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "n/a";
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
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
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
