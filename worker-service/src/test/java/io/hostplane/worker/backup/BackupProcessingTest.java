package io.hostplane.worker.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateBackup;
import io.hostplane.common.event.DeleteBackup;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.event.RestoreBackup;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import io.hostplane.worker.WorkerApplication;
import io.hostplane.worker.WorkerJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The backup job types through the real worker: commands on a real broker, outcomes on the job-events topic,
 * sites and archives on the real file system (a temporary sites directory and store).
 */
@DirtiesContext // one worker (one consumer of the commands) at a time
@SpringBootTest(
        classes = WorkerApplication.class,
        properties = {WorkerApplication.CONFIG_NAME, "hostplane.backup.keep-last=3"},
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class BackupProcessingTest {

    static final Path ROOT = temp();
    static final Path SITES = ROOT.resolve("sites");
    static final Path STORE = ROOT.resolve("store");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
        registry.add("hostplane.backup.sites-dir", SITES::toString);
        registry.add("hostplane.backup.store-dir", STORE::toString);
    }

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    EventCodec codec;

    private WorkerJobs jobs;
    private String tenant;
    private String domain;
    private Path site;

    @BeforeEach
    void setUp() throws Exception {
        tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        domain = "b" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        site = SITES.resolve(domain);
        jobs = new WorkerJobs(kafka, codec, tenant, domain);
    }

    @AfterEach
    void tearDown() {
        jobs.close();
    }

    @AfterAll
    static void removeFiles() throws IOException {
        SiteRestorer.deleteTree(ROOT);
    }

    @Test
    void aBackupArchivesTheSiteWithItsManifestAndWarnsOfWhatItSkipped() throws Exception {
        SiteTrees.write(site);
        String backupId = Ids.uuidV7().toString();
        JobStateChanged done = run(JobTypes.BACKUP_CREATE, new CreateBackup(backupId, domain, "before deploy"));

        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        Path archive = STORE.resolve(tenant).resolve(domain).resolve(backupId + ".tar.gz");
        assertThat(done.result().path("archive").asString())
                .isEqualTo(tenant + "/" + domain + "/" + backupId + ".tar.gz");
        assertThat(done.result().path("sha256").asString()).isEqualTo(SiteTrees.sha256(archive));
        assertThat(done.result().path("size").asLong()).isEqualTo(Files.size(archive));
        assertThat(done.result().path("file_count").asInt()).isEqualTo(4);
        assertThat(done.result().path("total_size").asLong()).isEqualTo(15 + 21 + 200_000);
        assertThat(done.result().path("pruned").size()).isZero();
        assertThat(done.warnings())
                .extracting(w -> w.type() + "/" + w.code())
                .containsExactlyInAnyOrder(
                        "BACKUP/SYMLINK_OUTSIDE", "BACKUP/SYMLINK_OUTSIDE", "BACKUP/FILE_UNREADABLE");
        assertThat(done.warnings()).extracting(Warning::message).anyMatch(m -> m.contains("passwd"));

        Manifest manifest =
                new SiteRestorer().verify(archive, done.result().path("sha256").asString());
        Map<String, String> expected = SiteTrees.snapshot(site);
        SiteTrees.SKIPPED.forEach(expected::remove);
        assertThat(manifest.entries())
                .extracting(Manifest.Entry::path)
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        manifest.entries().stream()
                .filter(e -> e.type().equals("file"))
                .forEach(e -> assertThat(e.sha256()).as(e.path()).isEqualTo(expected.get(e.path())));
    }

    @Test
    void aRestoreBringsBackExactlyTheBackedUpTree() throws Exception {
        SiteTrees.write(site);
        Map<String, String> original = SiteTrees.snapshot(site);
        String backupId = Ids.uuidV7().toString();
        JobStateChanged backup = run(JobTypes.BACKUP_CREATE, new CreateBackup(backupId, domain, null));
        String sha = backup.result().path("sha256").asString();

        Files.writeString(site.resolve("index.html"), "<h1>defaced</h1>\n");
        Files.delete(site.resolve("assets/css/site.css"));
        Files.delete(site.resolve("home.html"));
        Files.writeString(site.resolve("assets/new.js"), "alert(1)");
        Files.delete(site.resolve("pipe"));

        JobStateChanged restored = run(JobTypes.BACKUP_RESTORE, new RestoreBackup(backupId, domain, sha));
        assertThat(restored.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(restored.result().path("file_count").asInt()).isEqualTo(4);
        Map<String, String> expected = new java.util.TreeMap<>(original);
        SiteTrees.SKIPPED.forEach(expected::remove);
        assertThat(SiteTrees.snapshot(site)).isEqualTo(expected);
        // Nothing left beside the site: no restore directory, no old copy.
        try (Stream<Path> beside = Files.list(SITES)) {
            assertThat(beside.map(p -> p.getFileName().toString()).filter(n -> n.contains(domain)))
                    .containsExactly(domain);
        }
    }

    @Test
    void aDamagedArchiveIsRefusedAndTheSiteIsUntouched() throws Exception {
        SiteTrees.write(site);
        String backupId = Ids.uuidV7().toString();
        JobStateChanged backup = run(JobTypes.BACKUP_CREATE, new CreateBackup(backupId, domain, null));
        Path archive = STORE.resolve(tenant).resolve(domain).resolve(backupId + ".tar.gz");
        Files.writeString(site.resolve("index.html"), "<h1>changed since</h1>\n");
        Map<String, String> before = SiteTrees.snapshot(site);
        SiteTrees.flipByte(archive, Files.size(archive) / 2);

        // Checked against the entries' digests, the gzip CRC and the manifest alone (no recorded digest)...
        JobStateChanged unverified = run(JobTypes.BACKUP_RESTORE, new RestoreBackup(backupId, domain, null));
        assertThat(unverified.status()).isEqualTo(JobStatus.FAILED);
        assertThat(unverified.error().code()).isEqualTo("ARCHIVE_DAMAGED");
        // ...and against the archive's digest recorded when it was made.
        JobStateChanged recorded = run(
                JobTypes.BACKUP_RESTORE,
                new RestoreBackup(
                        backupId, domain, backup.result().path("sha256").asString()));
        assertThat(recorded.status()).isEqualTo(JobStatus.FAILED);
        assertThat(recorded.error().code()).isEqualTo("ARCHIVE_DAMAGED");
        assertThat(SiteTrees.snapshot(site)).isEqualTo(before);
    }

    @Test
    void retentionKeepsTheLastBackupsOfTheDomainAndReportsThePrunedOnes() throws Exception {
        Files.createDirectories(site);
        Files.writeString(site.resolve("index.html"), "hi");
        List<String> ids = new ArrayList<>();
        List<String> pruned = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = Ids.uuidV7().toString();
            ids.add(id);
            JobStateChanged done = run(JobTypes.BACKUP_CREATE, new CreateBackup(id, domain, "n" + i));
            assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
            done.result().path("pruned").forEach(p -> pruned.add(p.asString()));
        }
        assertThat(pruned).containsExactly(ids.get(0), ids.get(1));
        try (Stream<Path> kept = Files.list(STORE.resolve(tenant).resolve(domain))) {
            assertThat(kept.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(ids.get(2) + ".tar.gz", ids.get(3) + ".tar.gz", ids.get(4) + ".tar.gz");
        }
    }

    @Test
    void aDomainWithoutASiteFailsWithSiteNotFoundAndADeleteRemovesTheArchiveOnce() throws Exception {
        JobStateChanged missing =
                run(JobTypes.BACKUP_CREATE, new CreateBackup(Ids.uuidV7().toString(), domain, null));
        assertThat(missing.status()).isEqualTo(JobStatus.FAILED);
        assertThat(missing.error().code()).isEqualTo("SITE_NOT_FOUND");

        Files.createDirectories(site);
        String id = Ids.uuidV7().toString();
        run(JobTypes.BACKUP_CREATE, new CreateBackup(id, domain, null));
        Path archive = STORE.resolve(tenant).resolve(domain).resolve(id + ".tar.gz");
        assertThat(archive).exists();
        JobStateChanged deleted = run(JobTypes.BACKUP_DELETE, new DeleteBackup(id, domain));
        assertThat(deleted.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(deleted.result().path("deleted").asBoolean()).isTrue();
        assertThat(archive).doesNotExist();
        JobStateChanged again = run(JobTypes.BACKUP_DELETE, new DeleteBackup(id, domain));
        assertThat(again.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(again.result().path("deleted").asBoolean()).isFalse();

        JobStateChanged gone = run(JobTypes.BACKUP_RESTORE, new RestoreBackup(id, domain, null));
        assertThat(gone.error().code()).isEqualTo("BACKUP_NOT_FOUND");
    }

    /** Sends the command keyed as the API keys it ({@code tenant/site/domain}); returns its terminal event. */
    private JobStateChanged run(String type, Object data) throws Exception {
        CloudEvent command = jobs.command(type, data);
        kafka.send(Topics.COMMANDS, Topics.commandKey(tenant, "site", domain), codec.write(command))
                .get();
        List<JobStateChanged> events = jobs.awaitTerminal(command.jobid());
        return events.get(events.size() - 1);
    }

    private static Path temp() {
        try {
            return Files.createTempDirectory("hostplane-backups");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
