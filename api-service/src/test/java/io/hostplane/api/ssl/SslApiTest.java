package io.hostplane.api.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.KafkaPolls;
import io.hostplane.api.testing.SslTestCertificates;
import io.hostplane.api.testing.SslTestCertificates.Issued;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code PUT/GET /api/v1/domains/{domain}/ssl} on a real PostgreSQL and Kafka (the worker simulated by events). */
@ExtendWith(OutputCaptureExtension.class)
public class SslApiTest extends ApiIntegrationTest {

    /** The key in {@code src/test/resources/config/api-service.yml}. */
    static final String TEST_KEY = "dGVzdC1vbmx5LXNzbC1lbmNyeXB0aW9uLWtleS0zMmI=";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Test
    void anInstallIsAJobAndGetShowsThePendingThenTheInstalledCertificate() throws Exception {
        Issued cert = valid(List.of(zone, "www." + zone));
        JsonNode accepted =
                json(HttpMethod.PUT, path(), allToken, body(cert.certificatePem(), null, cert.pkcs8KeyPem()), 202);
        JsonNode job = accepted.path("data");
        assertThat(job.path("type").asString()).isEqualTo("ssl.install");
        assertThat(job.path("status").asString()).isEqualTo("queued");
        assertThat(job.path("resource").asString()).isEqualTo("domains/" + zone + "/ssl");

        JsonNode shown = json(HttpMethod.GET, path(), allToken, null, 200).path("data");
        assertThat(shown.path("status").asString()).isEqualTo("pending");
        assertThat(shown.path("job_id").asString()).isEqualTo(job.path("id").asString());
        assertThat(shown.path("fingerprint_sha256").asString())
                .isEqualTo(sha256(cert.certificate().getEncoded()));
        assertThat(shown.path("sans").toString()).contains(zone, "www." + zone);
        assertThat(shown.path("subject").asString()).isEqualTo("CN=" + zone);
        assertThat(shown.path("serial").asString())
                .isEqualTo(cert.certificate().getSerialNumber().toString(16));
        assertThat(shown.path("key_type").asString()).isEqualTo("RSA");
        assertThat(shown.path("key_size").asInt()).isEqualTo(2048);
        assertThat(Instant.parse(shown.path("not_after").asString()))
                .isEqualTo(cert.certificate().getNotAfter().toInstant());
        assertThat(codes(shown.path("warnings"))).containsExactly("CHAIN_INCOMPLETE"); // self-signed
        assertThat(shown.toString()).doesNotContain("PRIVATE KEY").doesNotContain("private_key");

        // The stored key opens with the configured key and the certificate id, and is the PKCS#8 of the upload.
        String certificateId = shown.path("id").asString();
        assertThat(new String(openStoredKey(certificateId), StandardCharsets.US_ASCII))
                .isEqualTo(cert.pkcs8KeyPem().replace("\r", ""));

        // The command carries the reference and the warnings, not the key.
        String command = commandOf(job.path("id").asString());
        JsonNode data = JSON.readTree(command).path("data");
        assertThat(data.path("certificate_id").asString()).isEqualTo(certificateId);
        assertThat(data.path("domain").asString()).isEqualTo(zone);
        assertThat(data.path("certificate").asString()).contains("BEGIN CERTIFICATE");
        assertThat(codes(data.path("warnings"))).containsExactly("CHAIN_INCOMPLETE");
        assertThat(command).doesNotContain("PRIVATE KEY");

        succeed(job.path("id").asString(), certificateId);
        JsonNode installed = awaitStatus("installed");
        assertThat(installed.path("id").asString()).isEqualTo(certificateId);
        assertThat(installed.path("installed_at").isNull()).isFalse();

        // A second upload replaces it once installed; the first one's sealed key is then deleted.
        Issued next = valid(List.of(zone));
        String nextJob = json(
                        HttpMethod.PUT,
                        path(),
                        allToken,
                        body(next.certificatePem(), null, next.traditionalKeyPem()),
                        202)
                .path("data")
                .path("id")
                .asString();
        String nextId = json(HttpMethod.GET, path(), allToken, null, 200)
                .path("data")
                .path("id")
                .asString();
        assertThat(nextId).isNotEqualTo(certificateId);
        succeed(nextJob, nextId);
        assertThat(awaitStatus("installed").path("id").asString()).isEqualTo(nextId);
        assertThat(count("select count(*) from api.ssl_private_keys where certificate_id = '" + certificateId + "'"))
                .isZero();
        assertThat(count("select count(*) from api.ssl_certificates where id = '" + certificateId
                        + "' and status = 'replaced'"))
                .isEqualTo(1);
    }

    @Test
    void aRemovalIsAJobAndOnceItSucceedsTheDomainHasNoCertificateNorKey() throws Exception {
        exchange(HttpMethod.DELETE, path(), allToken, null, 404); // nothing installed yet

        Issued cert = valid(List.of(zone));
        String installJob = json(
                        HttpMethod.PUT, path(), allToken, body(cert.certificatePem(), null, cert.pkcs8KeyPem()), 202)
                .path("data")
                .path("id")
                .asString();
        String certificateId = json(HttpMethod.GET, path(), allToken, null, 200)
                .path("data")
                .path("id")
                .asString();
        succeed(installJob, "ssl.install", Map.of("certificate_id", certificateId, "domain", zone, "backend", "local"));
        awaitStatus("installed");

        String stranger = token(
                accounts.create("other-" + UUID.randomUUID().toString().substring(0, 8))
                        .block()
                        .id(),
                "*");
        exchange(HttpMethod.DELETE, path(), stranger, null, 404);
        exchange(HttpMethod.DELETE, "/api/v1/domains/nothing-here.test/ssl", allToken, null, 404);
        exchange(HttpMethod.DELETE, path(), token(tenant, "ssl.read"), null, 403);

        JsonNode job = json(HttpMethod.DELETE, path(), token(tenant, "ssl.write"), null, 202)
                .path("data");
        assertThat(job.path("type").asString()).isEqualTo("ssl.remove");
        assertThat(job.path("status").asString()).isEqualTo("queued");
        assertThat(job.path("resource").asString()).isEqualTo("domains/" + zone + "/ssl");
        JsonNode data = JSON.readTree(commandOf(job.path("id").asString())).path("data");
        assertThat(data.path("certificate_id").asString()).isEqualTo(certificateId);
        assertThat(data.path("domain").asString()).isEqualTo(zone);
        // Until the job succeeds, the installed certificate is still the domain's.
        assertThat(json(HttpMethod.GET, path(), allToken, null, 200)
                        .path("data")
                        .path("id")
                        .asString())
                .isEqualTo(certificateId);

        succeed(
                job.path("id").asString(),
                "ssl.remove",
                Map.of("certificate_id", certificateId, "domain", zone, "removed", true, "backend", "local"));
        String removed =
                "select count(*) from api.ssl_certificates where id = '" + certificateId + "' and status = 'removed'";
        await("certificate removed").atMost(Duration.ofSeconds(30)).until(() -> count(removed) > 0);
        exchange(HttpMethod.GET, path(), allToken, null, 404);
        assertThat(count("select count(*) from api.ssl_private_keys where certificate_id = '" + certificateId + "'"))
                .isZero();
        assertThat(count(removed)).isEqualTo(1);
        exchange(HttpMethod.DELETE, path(), allToken, null, 404); // nothing left to remove
    }

    @Test
    void aRemovalOnADomainBeingDeletedIs409() throws Exception {
        Issued cert = valid(List.of(zone));
        json(HttpMethod.PUT, path(), allToken, body(cert.certificatePem(), null, cert.pkcs8KeyPem()), 202);
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement("update api.domains set status = 'deleting' where name = ?")) {
            s.setString(1, zone);
            s.executeUpdate();
        }
        JsonNode conflict = json(HttpMethod.DELETE, path(), allToken, null, 409);
        assertThat(conflict.path("errors").path(0).path("code").asString()).isEqualTo("DOMAIN_DELETING");
    }

    @Test
    void nonCriticalProblemsAreWarningsOnTheAcceptedInstall() {
        Issued weak = SslTestCertificates.selfSigned(
                SslTestCertificates.rsa(1024),
                "elsewhere.example.org",
                List.of("elsewhere.example.org"),
                Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(5)));
        json(HttpMethod.PUT, path(), allToken, body(weak.certificatePem(), null, weak.pkcs8KeyPem()), 202);
        JsonNode shown = json(HttpMethod.GET, path(), allToken, null, 200).path("data");
        assertThat(codes(shown.path("warnings")))
                .containsExactlyInAnyOrder("CERT_NAME_MISMATCH", "CHAIN_INCOMPLETE", "EXPIRES_SOON", "WEAK_KEY");
        assertThat(shown.path("key_size").asInt()).isEqualTo(1024);
    }

    @Test
    void criticalProblemsAre400WithFieldErrorsAndNothingIsStored() throws Exception {
        Issued cert = valid(List.of(zone));
        Issued other = valid(List.of(zone));
        Issued expired = SslTestCertificates.selfSigned(
                cert.keys(),
                zone,
                List.of(zone),
                Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minusSeconds(60));
        Issued notYet = SslTestCertificates.selfSigned(
                cert.keys(),
                zone,
                List.of(zone),
                Instant.now().plus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)));
        String binary =
                new String(new byte[] {0x00, (byte) 0x89, 'P', 'N', 'G', 0x1a, 0x7f}, StandardCharsets.ISO_8859_1);

        assertFieldError(body(binary, null, cert.pkcs8KeyPem()), "certificate", "INVALID");
        assertFieldError(body(null, null, cert.pkcs8KeyPem()), "certificate", "REQUIRED");
        assertFieldError(body(cert.pkcs8KeyPem(), null, cert.pkcs8KeyPem()), "certificate", "INVALID");
        assertFieldError(body(cert.certificatePem(), null, other.pkcs8KeyPem()), "private_key", "KEY_MISMATCH");
        assertFieldError(body(cert.certificatePem(), null, binary), "private_key", "INVALID");
        assertFieldError(body(expired.certificatePem(), null, cert.pkcs8KeyPem()), "certificate", "CERT_EXPIRED");
        assertFieldError(body(notYet.certificatePem(), null, cert.pkcs8KeyPem()), "certificate", "CERT_NOT_YET_VALID");
        assertFieldError(
                body(cert.certificatePem(), cert.certificatePem().repeat(120), cert.pkcs8KeyPem()),
                "chain",
                "TOO_LARGE");
        // Over the 1 MiB body limit: refused before it is read.
        exchange(HttpMethod.PUT, path(), allToken, body("x".repeat(1_100_000), null, cert.pkcs8KeyPem()), 413);

        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isZero();
        assertThat(count("select count(*) from api.ssl_certificates where tenant_id = '" + tenant + "'"))
                .isZero();
        exchange(HttpMethod.GET, path(), allToken, null, 404);
    }

    @Test
    void anotherTenantsOrAnUnknownDomainIs404AndScopesAreChecked() {
        Issued cert = valid(List.of(zone));
        String body = body(cert.certificatePem(), null, cert.pkcs8KeyPem());
        String otherTenant = accounts.create(
                        "other-" + UUID.randomUUID().toString().substring(0, 8))
                .block()
                .id();
        String stranger = token(otherTenant, "*");
        exchange(HttpMethod.PUT, path(), stranger, body, 404);
        exchange(HttpMethod.GET, path(), stranger, null, 404);
        exchange(HttpMethod.PUT, "/api/v1/domains/nothing-here.test/ssl", allToken, body, 404);
        exchange(HttpMethod.PUT, path(), token(tenant, "ssl.read"), body, 403);
        exchange(HttpMethod.GET, path(), token(tenant, "ssl.write"), null, 403);
        exchange(HttpMethod.PUT, path(), token(tenant, "ssl.write"), body, 202);
        exchange(HttpMethod.GET, path(), token(tenant, "ssl.read"), null, 200);
    }

    @Test
    void thePrivateKeyIsInNoKafkaRecordAuditRowOrLogLine(CapturedOutput output) throws Exception {
        Issued cert = valid(List.of(zone));
        String uploaded = cert.traditionalKeyPem();
        String jobId = json(HttpMethod.PUT, path(), allToken, body(cert.certificatePem(), null, uploaded), 202)
                .path("data")
                .path("id")
                .asString();
        // A rejected upload (key of another certificate) must not leak its key either.
        Issued other = valid(List.of(zone));
        exchange(HttpMethod.PUT, path(), allToken, body(cert.certificatePem(), null, other.pkcs8KeyPem()), 400);
        commandOf(jobId); // the command has reached Kafka
        auditValues(jobId, 1); // and the request record

        List<String> secrets = new ArrayList<>();
        for (String pem : List.of(uploaded, cert.pkcs8KeyPem(), other.pkcs8KeyPem())) {
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            secrets.add(body.substring(0, 64)); // a PEM line
            secrets.add(body.substring(body.length() / 2, body.length() / 2 + 40)); // the middle of the body
            secrets.add(Base64.getEncoder()
                    .encodeToString(pem.getBytes(StandardCharsets.US_ASCII))
                    .substring(0, 60));
        }
        secrets.add(TEST_KEY);

        List<String> records = allHostplaneRecords();
        assertThat(records).isNotEmpty();
        assertThat(String.join("\n", records)).contains(jobId);
        for (String record : records) {
            for (String secret : secrets) {
                assertThat(record).doesNotContain(secret);
            }
            assertThat(record).doesNotContain("PRIVATE KEY");
        }
        if (count("select count(*) from pg_tables where schemaname = 'audit' and tablename = 'events'") == 1) {
            try (Connection c = connection();
                    PreparedStatement s = c.prepareStatement("select e::text from audit.events e");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    for (String secret : secrets) {
                        assertThat(rs.getString(1)).doesNotContain(secret);
                    }
                }
            }
        }
        String logs = output.getAll();
        assertThat(logs).contains("certificate").contains(jobId); // the install was logged, by ids
        for (String secret : secrets) {
            assertThat(logs).doesNotContain(secret);
        }
        assertThat(logs).doesNotContain("PRIVATE KEY");
    }

    private void assertFieldError(String body, String field, String code) {
        JsonNode error = json(HttpMethod.PUT, path(), allToken, body, 400);
        assertThat(error.path("success").asBoolean()).isFalse();
        List<String> found = new ArrayList<>();
        error.path("errors")
                .forEach(e -> found.add(
                        e.path("field").asString() + ":" + e.path("code").asString()));
        assertThat(found).containsExactly(field + ":" + code);
    }

    private String path() {
        return "/api/v1/domains/" + zone + "/ssl";
    }

    private static Issued valid(List<String> sans) {
        return SslTestCertificates.selfSigned(
                SslTestCertificates.rsa(2048),
                sans.get(0),
                sans,
                Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(90)));
    }

    public static String body(String certificate, String chain, String key) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("certificate", certificate);
        if (chain != null) {
            body.put("chain", chain);
        }
        body.put("private_key", key);
        return JSON.writeValueAsString(body);
    }

    private static List<String> codes(JsonNode warnings) {
        List<String> codes = new ArrayList<>();
        warnings.forEach(w -> codes.add(w.path("code").asString()));
        return codes;
    }

    private static String sha256(byte[] der) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }

    private byte[] openStoredKey(String certificateId) throws Exception {
        try (Connection c = connection();
                PreparedStatement s = c.prepareStatement(
                        "select nonce, ciphertext from api.ssl_private_keys where certificate_id = ?::uuid")) {
            s.setString(1, certificateId);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                byte[] ciphertext = rs.getBytes("ciphertext");
                assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(
                        Cipher.DECRYPT_MODE,
                        new SecretKeySpec(Base64.getDecoder().decode(TEST_KEY), "AES"),
                        new GCMParameterSpec(128, rs.getBytes("nonce")));
                cipher.updateAAD(certificateId.getBytes(StandardCharsets.UTF_8));
                return cipher.doFinal(ciphertext);
            }
        }
    }

    /** Simulates the worker: the install succeeded with the result the worker's handler reports. */
    private void succeed(String jobId, String certificateId) throws Exception {
        succeed(jobId, "ssl.install", Map.of("certificate_id", certificateId, "domain", zone, "backend", "local"));
    }

    /** Simulates the worker: the job succeeded with {@code result}. */
    private void succeed(String jobId, String jobType, Map<String, Object> result) throws Exception {
        var event = codec.event(
                "/test-worker",
                EventTypes.job(JobStatus.SUCCEEDED),
                "domains/" + zone + "/ssl",
                tenant,
                null,
                jobId,
                null,
                new JobStateChanged(jobId, jobType, JobStatus.SUCCEEDED, 1, List.of(), null, codec.tree(result), 0L));
        kafka.send(Topics.JOB_EVENTS, jobId, codec.write(event)).get();
    }

    private JsonNode awaitStatus(String status) {
        return await("certificate " + status)
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> json(HttpMethod.GET, path(), allToken, null, 200).path("data"),
                        last -> status.equals(last.path("status").asString()));
    }

    /** The command of job {@code jobId} on {@code hostplane.commands}, waited for up to 30 s. */
    private String commandOf(String jobId) {
        String record = await("the command of job " + jobId)
                .atMost(Duration.ofSeconds(30))
                .pollDelay(Duration.ZERO)
                .until(
                        () -> read(List.of(Topics.COMMANDS)).stream()
                                .filter(r -> r.contains("\"jobid\":\"" + jobId + "\""))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .get();
        return record.substring(record.indexOf(' ') + 1); // without the key
    }

    /** Every record on every {@code hostplane.*} topic, from the earliest offset to the current end. */
    private List<String> allHostplaneRecords() {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<String> topics = consumer.listTopics().keySet().stream()
                    .filter(t -> t.startsWith("hostplane."))
                    .toList();
            assertThat(topics).contains(Topics.COMMANDS, Topics.AUDIT);
            return read(topics);
        }
    }

    private List<String> read(List<String> topics) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            KafkaPolls.until(
                    "every record of " + topics + " up to its end",
                    Duration.ofSeconds(30),
                    consumer,
                    r -> {
                        values.add(r.key() + " " + r.value());
                        r.headers().forEach(h -> values.add(new String(h.value(), StandardCharsets.UTF_8)));
                    },
                    () -> partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p)));
        }
        return values;
    }

    private KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of(
                "bootstrap.servers",
                infra.kafkaBootstrapServers(),
                "group.id",
                "ssl-check-" + UUID.randomUUID(),
                "enable.auto.commit",
                "false",
                "isolation.level",
                "read_uncommitted",
                "key.deserializer",
                StringDeserializer.class,
                "value.deserializer",
                StringDeserializer.class));
    }
}
