package io.hostplane.worker.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.job.Warning;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archiver and restorer alone, on the real file system (no Spring, no broker). */
@Tag("fast")
class SiteArchiverTest {

    @TempDir
    Path dir;

    private final SiteArchiver archiver = new SiteArchiver();
    private final SiteRestorer restorer = new SiteRestorer();

    @Test
    void theManifestIsTheLastEntryAndListsEveryStoredFileWithItsDigest() throws Exception {
        Path site = dir.resolve("site");
        SiteTrees.write(site);
        Path archive = dir.resolve("store/a.tar.gz");
        ArchiveSummary summary = archiver.archive("example.test", site, archive);

        assertThat(summary.sha256()).isEqualTo(SiteTrees.sha256(archive));
        assertThat(summary.archiveSize()).isEqualTo(Files.size(archive));
        assertThat(summary.fileCount()).isEqualTo(4);
        assertThat(summary.totalSize()).isEqualTo(15 + 21 + 200_000 + 0);
        assertThat(summary.warnings())
                .extracting(w -> w.type() + "/" + w.code())
                .containsExactlyInAnyOrder(
                        "BACKUP/SYMLINK_OUTSIDE", "BACKUP/SYMLINK_OUTSIDE", "BACKUP/FILE_UNREADABLE");
        assertThat(Files.list(archive.getParent()).toList()).containsExactly(archive); // no partial file left

        List<String> names = new ArrayList<>();
        byte[] manifestJson = null;
        try (var tar = new TarArchiveInputStream(new GzipCompressorInputStream(Files.newInputStream(archive)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
                if (e.getName().equals(Manifest.ENTRY_NAME)) {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    tar.transferTo(b);
                    manifestJson = b.toByteArray();
                }
            }
        }
        assertThat(names.get(names.size() - 1)).isEqualTo(Manifest.ENTRY_NAME);
        Manifest manifest = Manifest.parse(manifestJson);
        assertThat(manifest).isNotNull();
        Map<String, String> original = SiteTrees.snapshot(site);
        SiteTrees.SKIPPED.forEach(original::remove);
        assertThat(manifest.entries())
                .extracting(Manifest.Entry::path)
                .containsExactlyInAnyOrderElementsOf(original.keySet());
        for (Manifest.Entry entry : manifest.entries()) {
            String expected = original.get(entry.path());
            switch (entry.type()) {
                case "file" -> assertThat(entry.sha256()).as(entry.path()).isEqualTo(expected);
                case "dir" -> assertThat(expected).isEqualTo("dir");
                default -> assertThat("link:" + entry.target()).isEqualTo(expected);
            }
        }
    }

    @Test
    void aFileThatGrowsWhileItIsReadIsStoredAsReadWithFileChanged() throws Exception {
        Path site = Files.createDirectories(dir.resolve("site"));
        Path log = site.resolve("access.log");
        Files.write(log, new byte[32 * 1024 * 1024]);
        AtomicBoolean stop = new AtomicBoolean();
        Thread appender = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
                while (!stop.get()) {
                    out.write(new byte[4096]);
                    out.flush();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        appender.start();
        ArchiveSummary summary;
        try {
            summary = archiver.archive("example.test", site, dir.resolve("store/a.tar.gz"));
        } finally {
            stop.set(true);
            appender.join(10_000);
        }
        assertThat(summary.warnings()).extracting(Warning::code).containsExactly("FILE_CHANGED");
        assertThat(summary.fileCount()).isEqualTo(1);
        // Stored as far as it was long when reading began, and self-consistent: it verifies.
        restorer.verify(dir.resolve("store/a.tar.gz"), summary.sha256());
    }

    @Test
    void anUnreadableFileIsSkippedWithAWarning() throws Exception {
        Assumptions.assumeFalse(
                SiteTrees.runningAsRoot(), "as root, mode 000 does not stop reading; covered by the FIFO case");
        Path site = Files.createDirectories(dir.resolve("site"));
        Path secret = site.resolve("secret.txt");
        Files.writeString(secret, "x");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        ArchiveSummary summary = archiver.archive("example.test", site, dir.resolve("store/a.tar.gz"));
        assertThat(summary.warnings()).extracting(Warning::code).containsExactly("FILE_UNREADABLE");
        assertThat(summary.fileCount()).isZero();
    }

    @Test
    void entriesThatWouldLeaveTheSiteMakeTheArchiveDamagedAndNothingIsWritten() throws Exception {
        Path site = Files.createDirectories(dir.resolve("sites/example.test"));
        Files.writeString(site.resolve("index.html"), "keep");
        Map<String, String> before = SiteTrees.snapshot(site);
        for (String[] bad : List.of(
                new String[] {"file", "site/../evil.txt"},
                new String[] {"file", "site//etc/evil.txt"},
                new String[] {"symlink", "site/out"})) {
            Path archive = dir.resolve("bad.tar.gz");
            String path = bad[1].substring("site/".length());
            String manifest = "{\"format\":\"" + Manifest.FORMAT + "\",\"domain\":\"example.test\",\"fileCount\":1,"
                    + "\"totalSize\":1,\"entries\":[{\"path\":\"" + path + "\",\"type\":\"" + bad[0] + "\"}]}";
            try (var tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(Files.newOutputStream(archive)))) {
                TarArchiveEntry entry;
                if (bad[0].equals("symlink")) {
                    entry = new TarArchiveEntry(
                            bad[1], org.apache.commons.compress.archivers.tar.TarConstants.LF_SYMLINK);
                    entry.setLinkName("../../../etc");
                } else {
                    entry = new TarArchiveEntry(bad[1], true);
                    entry.setSize(1);
                }
                tar.putArchiveEntry(entry);
                if (!bad[0].equals("symlink")) {
                    tar.write('x');
                }
                tar.closeArchiveEntry();
                TarArchiveEntry m = new TarArchiveEntry(Manifest.ENTRY_NAME);
                m.setSize(manifest.length());
                tar.putArchiveEntry(m);
                tar.write(manifest.getBytes());
                tar.closeArchiveEntry();
            }
            assertThatThrownBy(() -> restorer.restore(archive, null, site))
                    .as(bad[1])
                    .isInstanceOf(DamagedArchiveException.class);
            assertThat(SiteTrees.snapshot(site)).isEqualTo(before);
            assertThat(dir.resolve("sites/evil.txt")).doesNotExist();
            assertThat(Files.list(dir.resolve("sites")).toList()).containsExactly(site);
        }
    }
}
