package io.hostplane.worker.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.InstallCertificate;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.embedded.NginxServer;
import io.hostplane.embedded.TestInfrastructure;
import io.hostplane.worker.WorkerApplication;
import io.hostplane.worker.WorkerJobs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker's nginx SSL backend against a real nginx on 127.0.0.1 serving TLS from the worker's files: each
 * install is checked by a TLS handshake (SNI = the domain) that must present the new certificate; an install
 * that nginx's own {@code -t} rejects fails the job and leaves the previous files, and certificate, in place.
 */
@DirtiesContext // one worker (one consumer of the commands) at a time
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        classes = WorkerApplication.class,
        properties = {WorkerApplication.CONFIG_NAME, "hostplane.ssl.backend=nginx"},
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class NginxSslBackendTest {

    private static final String DOMAIN = "tls-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    private static final byte[] KEY = new byte[32];
    private static final WorkerNginx WEB = new WorkerNginx("hostplane-nginx-ssl");
    private static final Path certDir = WEB.certDir;
    private static final NginxServer nginx = WEB.server;

    static {
        new SecureRandom().nextBytes(KEY);
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WEB.register(registry, Base64.getEncoder().encodeToString(KEY));
    }

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    EventCodec codec;

    private static SslTestCertificates first;

    @BeforeAll
    static void startNginx() throws Exception {
        assumeTrue(NginxServer.isInstalled(), "nginx is not installed at " + NginxServer.BINARY);
        // The API creates api.ssl_private_keys (V8); the worker module runs only its own migrations, so the test
        // lays out the same columns the worker reads.
        TestInfrastructure infra = TestInfrastructure.shared();
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password())) {
            c.createStatement().execute("create schema if not exists api");
            c.createStatement()
                    .execute("create table if not exists api.ssl_private_keys (certificate_id uuid primary key, "
                            + "nonce bytea not null, ciphertext bytea not null, key_id text not null, "
                            + "created_at timestamptz not null default now())");
        }
        // nginx needs files to start with: a first certificate put there by hand.
        first = SslTestCertificates.selfSigned(DOMAIN);
        Files.createDirectories(certDir);
        Files.writeString(certDir.resolve(DOMAIN + ".crt"), first.certificatePem());
        Files.writeString(certDir.resolve(DOMAIN + ".key"), first.keyPem());
        nginx.start(WEB.serverNamingItsFiles(DOMAIN));
    }

    @AfterAll
    static void stopNginx() {
        nginx.close();
    }

    @Test
    void installsReplaceTheServedCertificateAndAFailedNginxTestRestoresThePreviousFiles(CapturedOutput output)
            throws Exception {
        assertThat(SslTestCertificates.served(nginx.port(), DOMAIN)).isEqualTo(first.fingerprint());
        try (WorkerJobs jobs = new WorkerJobs(kafka, codec, "t_ssl", DOMAIN)) {
            // 1. A new certificate is installed, nginx reloaded: the handshake shows it.
            SslTestCertificates second = SslTestCertificates.selfSigned(DOMAIN);
            JobStateChanged installed = install(jobs, second, second.certificatePem(), List.of(warning()));
            assertThat(installed.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(installed.warnings()).containsExactly(warning());
            assertThat(installed.result().path("backend").asString()).isEqualTo("nginx");
            awaitServed(second.fingerprint());
            Path keyFile = certDir.resolve(DOMAIN + ".key");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(keyFile)).isEqualTo(second.keyPem());

            // 2. Another one replaces it.
            SslTestCertificates third = SslTestCertificates.selfSigned(DOMAIN);
            assertThat(install(jobs, third, third.certificatePem(), List.of()).status())
                    .isEqualTo(JobStatus.SUCCEEDED);
            awaitServed(third.fingerprint());
            byte[] crtBefore = Files.readAllBytes(certDir.resolve(DOMAIN + ".crt"));
            byte[] keyBefore = Files.readAllBytes(keyFile);

            // 3. The same install again (a new job for the same certificate) changes nothing harmful.
            assertThat(install(jobs, third, third.certificatePem(), List.of()).status())
                    .isEqualTo(JobStatus.SUCCEEDED);
            assertThat(Files.readAllBytes(certDir.resolve(DOMAIN + ".crt"))).isEqualTo(crtBefore);
            assertThat(SslTestCertificates.served(nginx.port(), DOMAIN)).isEqualTo(third.fingerprint());

            // 4. A certificate file nginx cannot load: nginx -t fails, the job fails with nginx's reason, and
            // the previous files are back and still served.
            SslTestCertificates fourth = SslTestCertificates.selfSigned(DOMAIN);
            String broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
            JobStateChanged failed = install(jobs, fourth, broken, List.of());
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.error().code()).isEqualTo(ErrorCodes.NGINX_TEST_FAILED);
            assertThat(failed.error().message())
                    .contains("previous certificate files restored")
                    .contains(DOMAIN + ".crt");
            assertThat(Files.readAllBytes(certDir.resolve(DOMAIN + ".crt"))).isEqualTo(crtBefore);
            assertThat(Files.readAllBytes(keyFile)).isEqualTo(keyBefore);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                    .isEqualTo("rw-------");
            try (var listing = Files.list(certDir)) {
                assertThat(listing.map(p -> p.getFileName().toString()))
                        .containsExactlyInAnyOrder(DOMAIN + ".crt", DOMAIN + ".key");
            }
            assertThat(SslTestCertificates.served(nginx.port(), DOMAIN)).isEqualTo(third.fingerprint());

            // No private key in the job events or the worker's log.
            for (SslTestCertificates c : List.of(second, third, fourth)) {
                String body = c.keyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                String line = body.substring(0, 64);
                assertThat(output.getAll()).doesNotContain(line);
                assertThat(jobs.awaitTerminalEvents(installed.jobId()).toString())
                        .doesNotContain(line);
            }
            assertThat(output.getAll()).doesNotContain("PRIVATE KEY");
        }
    }

    private static Warning warning() {
        return new Warning("SSL", "CHAIN_INCOMPLETE", "self-signed");
    }

    /** Seals the key as the API does, stores it, sends the command and waits for the job's outcome. */
    private JobStateChanged install(
            WorkerJobs jobs, SslTestCertificates cert, String certificatePem, List<Warning> warnings) throws Exception {
        String certificateId = UUID.randomUUID().toString();
        seal(certificateId, cert.keyPem());
        CloudEvent command = jobs.command(
                JobTypes.SSL_INSTALL,
                new InstallCertificate(certificateId, DOMAIN, certificatePem, "", cert.fingerprint(), warnings));
        jobs.send(command);
        List<JobStateChanged> events = jobs.awaitTerminal(command.jobid());
        return events.get(events.size() - 1);
    }

    private static void seal(String certificateId, String keyPem) throws Exception {
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(certificateId.getBytes(StandardCharsets.UTF_8));
        byte[] ciphertext = cipher.doFinal(keyPem.getBytes(StandardCharsets.US_ASCII));
        TestInfrastructure infra = TestInfrastructure.shared();
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password());
                PreparedStatement s = c.prepareStatement("insert into api.ssl_private_keys "
                        + "(certificate_id, nonce, ciphertext, key_id) values (?::uuid, ?, ?, ?)")) {
            s.setString(1, certificateId);
            s.setBytes(2, nonce);
            s.setBytes(3, ciphertext);
            s.setString(4, SslKeyVault.keyId(KEY));
            s.executeUpdate();
        }
    }

    /** nginx applies a reload asynchronously: waits (bounded) until the handshake shows {@code fingerprint}. */
    private static void awaitServed(String fingerprint) throws Exception {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(SslTestCertificates.served(nginx.port(), DOMAIN))
                        .as("the certificate nginx serves")
                        .isEqualTo(fingerprint));
    }
}
