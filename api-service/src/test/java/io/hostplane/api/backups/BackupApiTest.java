package io.hostplane.api.backups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/backups} on the API alone: jobs accepted with their rows, results folded from succeeded
 * events sent as the worker sends them, downloads streamed from a store directory the test fills.
 */
class BackupApiTest extends ApiIntegrationTest {

    static final Path STORE = temp();

    @DynamicPropertySource
    static void backupStore(DynamicPropertyRegistry registry) {
        registry.add("hostplane.backup.store-dir", STORE::toString);
        registry.add("hostplane.backup.sites-dir", SITES::toString);
    }

    static final Path SITES = temp();

    /** The test domain's site, as the workers' volume would hold it. */
    @org.junit.jupiter.api.BeforeEach
    void site() throws Exception {
        Files.createDirectories(SITES.resolve(zone));
    }

    @Test
    void aDomainWithoutASiteIsRefusedAtOnceWithNothingCreated() throws Exception {
        String bare = "bare-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", bare, tenant);
        int jobs = count("select count(*) from api.jobs where tenant_id = '" + tenant + "'");
        JsonNode refused = json(HttpMethod.POST, "/api/v1/backups", allToken, "{\"domain\":\"" + bare + "\"}", 409);
        assertThat(refused.path("errors").get(0).path("code").asString()).isEqualTo("SITE_NOT_FOUND");
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(jobs);
        assertThat(count("select count(*) from api.backups where domain = '" + bare + "'"))
                .isZero();
    }

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Test
    void aBackupIsPendingUntilItsJobSucceedsThenAvailableAndItsArchiveDownloadsByteForByte() throws Exception {
        JsonNode job = json(
                HttpMethod.POST,
                "/api/v1/backups",
                allToken,
                "{\"domain\":\"" + zone + "\",\"label\":\"before deploy\"}",
                202);
        assertThat(job.path("data").path("type").asString()).isEqualTo("backup.create");
        String jobId = job.path("data").path("id").asString();
        String backupId = job.path("data").path("resource").asString().substring("backups/".length());
        var command = awaitCommand(jobId);
        assertThat(command.key()).isEqualTo(tenant + "/site/" + zone);
        JsonNode data = JsonMapper.builder().build().readTree(command.value()).path("data");
        assertThat(data.path("backup_id").asString()).isEqualTo(backupId);
        assertThat(data.path("label").asString()).isEqualTo("before deploy");

        JsonNode pending = json(HttpMethod.GET, "/api/v1/backups/" + backupId, allToken, null, 200)
                .path("data");
        assertThat(pending.path("status").asString()).isEqualTo("pending");
        assertThat(pending.path("job_id").asString()).isEqualTo(jobId);
        exchange(HttpMethod.GET, "/api/v1/backups/" + backupId + "/archive", allToken, null, 409);

        // The worker's archive, as it would be in the shared store.
        String relative = tenant + "/" + zone + "/" + backupId + ".tar.gz";
        Path file = Files.createDirectories(STORE.resolve(tenant).resolve(zone)).resolve(backupId + ".tar.gz");
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        Files.write(file, bytes);
        String sha = sha256(bytes);
        finish(jobId, "backup.create", JobStatus.SUCCEEDED, result(backupId, relative, bytes.length, sha, List.of()));

        JsonNode available =
                awaitBackup(backupId, b -> b.path("status").asString().equals("available"));
        assertThat(available.path("label").asString()).isEqualTo("before deploy");
        assertThat(available.path("domain").asString()).isEqualTo(zone);
        assertThat(available.path("size").asLong()).isEqualTo(bytes.length);
        assertThat(available.path("sha256").asString()).isEqualTo(sha);
        assertThat(available.path("file_count").asInt()).isEqualTo(3);
        assertThat(available.path("created_at").isMissingNode()).isFalse();

        var download = exchange(HttpMethod.GET, "/api/v1/backups/" + backupId + "/archive", allToken, null, 200);
        download.expectHeader()
                .contentType("application/gzip")
                .expectHeader()
                .contentLength(bytes.length)
                .expectHeader()
                .valueMatches(
                        "Content-Disposition", "attachment; filename=\"" + zone + "-" + backupId + "\\.tar\\.gz\"");
        // Read as a stream, hashed piece by piece.
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        download.returnResult(DataBuffer.class)
                .getResponseBody()
                .doOnNext(buffer -> {
                    byte[] piece = new byte[buffer.readableByteCount()];
                    buffer.read(piece);
                    received.update(piece);
                    DataBufferUtils.release(buffer);
                })
                .blockLast(Duration.ofSeconds(30));
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(sha);

        // Listed, newest first, paged.
        JsonNode second = json(HttpMethod.POST, "/api/v1/backups", allToken, "{\"domain\":\"" + zone + "\"}", 202);
        String secondId = second.path("data").path("resource").asString().substring("backups/".length());
        JsonNode page = json(HttpMethod.GET, "/api/v1/backups?domain=" + zone + "&limit=1", allToken, null, 200)
                .path("data");
        assertThat(page.path("items").get(0).path("id").asString()).isEqualTo(secondId);
        String cursor = page.path("next_cursor").asString();
        JsonNode next = json(
                        HttpMethod.GET,
                        "/api/v1/backups?domain=" + zone + "&limit=1&cursor=" + cursor,
                        allToken,
                        null,
                        200)
                .path("data");
        assertThat(next.path("items").get(0).path("id").asString()).isEqualTo(backupId);
        assertThat(next.path("next_cursor").isNull()).isTrue();

        // A backup whose job failed shows as failed (the job tells why) and can be deleted.
        finish(second.path("data").path("id").asString(), "backup.create", JobStatus.FAILED, null);
        awaitBackup(secondId, b -> b.path("status").asString().equals("failed"));
        exchange(HttpMethod.POST, "/api/v1/backups/" + secondId + "/restore", allToken, null, 409);
        exchange(HttpMethod.DELETE, "/api/v1/backups/" + secondId, allToken, null, 202);
    }

    @Test
    void restoreAndDeleteAreJobsAndTheFoldedDeleteAndRetentionRemoveRows() throws Exception {
        String oldest = available("a".repeat(64));
        String older = available("b".repeat(64));

        JsonNode restore = json(HttpMethod.POST, "/api/v1/backups/" + older + "/restore", allToken, null, 202)
                .path("data");
        assertThat(restore.path("type").asString()).isEqualTo("backup.restore");
        var command = awaitCommand(restore.path("id").asString());
        assertThat(command.key()).isEqualTo(tenant + "/site/" + zone);
        JsonNode data = JsonMapper.builder().build().readTree(command.value()).path("data");
        assertThat(data.path("sha256").asString()).isEqualTo("b".repeat(64));
        assertThat(data.path("domain").asString()).isEqualTo(zone);

        JsonNode delete = json(HttpMethod.DELETE, "/api/v1/backups/" + older, allToken, null, 202)
                .path("data");
        assertThat(delete.path("type").asString()).isEqualTo("backup.delete");
        assertThat(json(HttpMethod.GET, "/api/v1/backups/" + older, allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("deleting");
        exchange(HttpMethod.POST, "/api/v1/backups/" + older + "/restore", allToken, null, 409);
        exchange(HttpMethod.GET, "/api/v1/backups/" + older + "/archive", allToken, null, 409);
        finish(
                delete.path("id").asString(),
                "backup.delete",
                JobStatus.SUCCEEDED,
                codec.tree(Map.of("backup_id", older, "domain", zone, "deleted", true)));
        awaitGone(older);

        // A new backup's result names the ones retention pruned: their rows go with its fold.
        JsonNode job = json(HttpMethod.POST, "/api/v1/backups", allToken, "{\"domain\":\"" + zone + "\"}", 202);
        String newest = job.path("data").path("resource").asString().substring("backups/".length());
        finish(
                job.path("data").path("id").asString(),
                "backup.create",
                JobStatus.SUCCEEDED,
                result(newest, tenant + "/" + zone + "/" + newest + ".tar.gz", 10, "c".repeat(64), List.of(oldest)));
        awaitGone(oldest);
        assertThat(json(HttpMethod.GET, "/api/v1/backups/" + newest, allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("available");
        // The archive the row names is not in the store: 404, not a broken stream.
        exchange(HttpMethod.GET, "/api/v1/backups/" + newest + "/archive", allToken, null, 404);
    }

    @Test
    void badInputIsRefusedWithFieldErrorsAndNothingIsStored() throws Exception {
        assertThat(json(HttpMethod.POST, "/api/v1/backups", allToken, "{\"domain\":", 400)
                        .path("errors")
                        .get(0)
                        .path("code")
                        .asString())
                .isEqualTo("MALFORMED_JSON");
        assertThat(fieldError("{}")).isEqualTo("domain/REQUIRED");
        assertThat(fieldError("{\"domain\":\"" + zone + "\",\"label\":\"" + "x".repeat(101) + "\"}"))
                .isEqualTo("label/TOO_LARGE");
        assertThat(fieldError("{\"domain\":\"" + zone + "\",\"label\":7}")).isEqualTo("label/INVALID");
        assertThat(fieldError("[]")).isEqualTo("null/INVALID");
        exchange(
                HttpMethod.POST,
                "/api/v1/backups",
                allToken,
                "{\"domain\":\"nope-" + UUID.randomUUID().toString().substring(0, 8) + ".test\"}",
                404);
        exchange(HttpMethod.GET, "/api/v1/backups?limit=0", allToken, null, 400);
        exchange(HttpMethod.GET, "/api/v1/backups?cursor=zzz", allToken, null, 400);
        exchange(HttpMethod.GET, "/api/v1/backups/not-a-uuid", allToken, null, 404);
        assertThat(count("select count(*) from api.backups where tenant_id = '" + tenant + "'"))
                .isZero();
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isZero();
        // A label of exactly 100 characters is fine.
        exchange(
                HttpMethod.POST,
                "/api/v1/backups",
                allToken,
                "{\"domain\":\"" + zone + "\",\"label\":\"" + "x".repeat(100) + "\"}",
                202);
    }

    @Test
    void anotherTenantsDomainAndBackupsAreNotFound() throws Exception {
        String backup = available("d".repeat(64));
        String other = token(
                accounts.create("other-" + UUID.randomUUID().toString().substring(0, 8))
                        .block()
                        .id(),
                "*");
        exchange(HttpMethod.POST, "/api/v1/backups", other, "{\"domain\":\"" + zone + "\"}", 404);
        exchange(HttpMethod.GET, "/api/v1/backups?domain=" + zone, other, null, 404);
        exchange(HttpMethod.GET, "/api/v1/backups/" + backup, other, null, 404);
        exchange(HttpMethod.GET, "/api/v1/backups/" + backup + "/archive", other, null, 404);
        exchange(HttpMethod.POST, "/api/v1/backups/" + backup + "/restore", other, null, 404);
        exchange(HttpMethod.DELETE, "/api/v1/backups/" + backup, other, null, 404);
        assertThat(json(HttpMethod.GET, "/api/v1/backups", other, null, 200)
                        .path("data")
                        .path("items")
                        .size())
                .isZero();
        assertThat(json(HttpMethod.GET, "/api/v1/backups/" + backup, allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("available");
        // Scopes: backups.read reads, but only backups.write changes.
        String reader = token(tenant, "backups.read");
        exchange(HttpMethod.GET, "/api/v1/backups/" + backup, reader, null, 200);
        exchange(HttpMethod.POST, "/api/v1/backups/" + backup + "/restore", reader, null, 403);
        exchange(HttpMethod.POST, "/api/v1/backups", reader, "{\"domain\":\"" + zone + "\"}", 403);
    }

    private String fieldError(String body) {
        JsonNode error = json(HttpMethod.POST, "/api/v1/backups", allToken, body, 400)
                .path("errors")
                .get(0);
        return (error.path("field").isNull() ? "null" : error.path("field").asString()) + "/"
                + error.path("code").asString();
    }

    /** An available backup of the test's domain, as if made and folded earlier. */
    private String available(String sha) {
        String id = io.hostplane.common.id.Ids.uuidV7().toString();
        sql(
                "insert into api.backups (id, tenant_id, domain, status, job_id, archive, size, sha256, file_count, "
                        + "total_size, completed_at) values (?::uuid, ?, ?, 'available', ?::uuid, ?, 10, ?, 1, 10, now())",
                id,
                tenant,
                zone,
                UUID.randomUUID().toString(),
                tenant + "/" + zone + "/" + id + ".tar.gz",
                sha);
        return id;
    }

    private JsonNode result(String backupId, String archive, long size, String sha, List<String> pruned) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("backup_id", backupId);
        r.put("domain", zone);
        r.put("archive", archive);
        r.put("size", size);
        r.put("sha256", sha);
        r.put("file_count", 3);
        r.put("total_size", 1234);
        r.put("pruned", pruned);
        return codec.tree(r);
    }

    /** The job's terminal event as the worker sends it. */
    private void finish(String jobId, String type, JobStatus status, JsonNode result) throws Exception {
        var event = codec.event(
                "/test-worker",
                EventTypes.job(status),
                "backups",
                tenant,
                null,
                jobId,
                null,
                new JobStateChanged(
                        jobId,
                        type,
                        status,
                        1,
                        List.of(),
                        status == JobStatus.FAILED ? new JobError("SITE_NOT_FOUND", "No site.") : null,
                        result,
                        null));
        kafka.send(Topics.JOB_EVENTS, jobId, codec.write(event)).get();
    }

    private JsonNode awaitBackup(String id, Predicate<JsonNode> done) {
        return await("backup " + id)
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> json(HttpMethod.GET, "/api/v1/backups/" + id, allToken, null, 200)
                                .path("data"),
                        done);
    }

    private void awaitGone(String id) {
        await("backup " + id + " gone")
                .atMost(Duration.ofSeconds(30))
                .until(() -> count("select count(*) from api.backups where id = '" + id + "'") == 0);
        exchange(HttpMethod.GET, "/api/v1/backups/" + id, allToken, null, 404);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @AfterAll
    static void removeStore() throws IOException {
        for (Path root : List.of(STORE, SITES)) {
            try (var all = Files.walk(root)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static Path temp() {
        try {
            return Files.createTempDirectory("hostplane-api-backups");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
