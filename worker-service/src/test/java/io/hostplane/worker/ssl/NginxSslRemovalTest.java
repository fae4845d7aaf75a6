package io.hostplane.worker.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.event.RemoveCertificate;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.embedded.NginxServer;
import io.hostplane.worker.WorkerApplication;
import io.hostplane.worker.WorkerJobs;
import io.hostplane.worker.nginx.NginxChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code ssl.remove} through the real worker against a real nginx with the real {@code nginx -t} and reload.
 * nginx serves most domains by SNI from {@code {cert-dir}/{name}.crt|key} (as {@code deploy/web.conf} does), and
 * one domain from a server block that names its files, which {@code nginx -t} then cannot do without.
 */
@DirtiesContext // one worker (one consumer of the commands) at a time
@SpringBootTest(
        classes = WorkerApplication.class,
        properties = {WorkerApplication.CONFIG_NAME, "hostplane.ssl.backend=nginx"},
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class NginxSslRemovalTest {

    private static final String BY_SNI = "sni-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    private static final String NAMED = "named-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    private static final WorkerNginx WEB = new WorkerNginx("hostplane-nginx-remove");
    private static final Path certDir = WEB.certDir;
    private static final NginxServer nginx = WEB.server;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WEB.register(registry, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    }

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    EventCodec codec;

    private static SslTestCertificates bySni;
    private static SslTestCertificates named;

    @BeforeAll
    static void startNginx() throws Exception {
        assumeTrue(NginxServer.isInstalled(), "nginx is not installed at " + NginxServer.BINARY);
        bySni = SslTestCertificates.selfSigned(BY_SNI);
        named = SslTestCertificates.selfSigned(NAMED);
        Files.createDirectories(certDir);
        for (var entry : List.of(List.of(BY_SNI, bySni), List.of(NAMED, named))) {
            String domain = (String) entry.get(0);
            SslTestCertificates pair = (SslTestCertificates) entry.get(1);
            Files.writeString(certDir.resolve(domain + ".crt"), pair.certificatePem());
            Path key = certDir.resolve(domain + ".key");
            NginxChange.writeAtomically(key, pair.keyPem().getBytes(), "rw-------");
            if ("root".equals(System.getProperty("user.name"))) {
                Files.setOwner(
                        key, key.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
            }
        }
        nginx.start(String.join(
                "\n",
                "map $ssl_server_name $hostplane_certificate {",
                "  \"~^(?<name>[a-z0-9][a-z0-9.-]*)$\" $name;",
                "  default \"none\";",
                "}",
                "server {",
                "  listen 127.0.0.1:${port} ssl default_server;",
                "  ssl_certificate " + certDir + "/$hostplane_certificate.crt;",
                "  ssl_certificate_key " + certDir + "/$hostplane_certificate.key;",
                "  ssl_stapling off;",
                "  return 200 'ok';",
                "}",
                WEB.serverNamingItsFiles(NAMED)));
    }

    @AfterAll
    static void stopNginx() {
        nginx.close();
    }

    @Test
    void aRemovedCertificatesFilesAreGoneNginxIsReloadedAndTheDomainIsNoLongerServed() throws Exception {
        assertThat(SslTestCertificates.served(nginx.port(), BY_SNI)).isEqualTo(bySni.fingerprint());
        Set<Long> workersBefore = nginxWorkers();
        try (WorkerJobs jobs = new WorkerJobs(kafka, codec, "t_ssl", BY_SNI)) {
            JobStateChanged done = remove(jobs, BY_SNI);

            assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(done.result().path("removed").asBoolean()).isTrue();
            assertThat(done.result().path("backend").asString()).isEqualTo("nginx");
            assertThat(certDir.resolve(BY_SNI + ".crt")).doesNotExist();
            assertThat(certDir.resolve(BY_SNI + ".key")).doesNotExist();
            awaitReloaded(workersBefore);
            assertThatThrownBy(() -> SslTestCertificates.served(nginx.port(), BY_SNI))
                    .isInstanceOf(SSLException.class);
            assertThat(SslTestCertificates.served(nginx.port(), NAMED)).isEqualTo(named.fingerprint());

            // Again (a second removal, or a redelivery after a crash): nothing to remove, still succeeds.
            JobStateChanged again = remove(jobs, BY_SNI);
            assertThat(again.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(again.result().path("removed").asBoolean()).isFalse();
        }
    }

    @Test
    void aRemovalThatNginxsTestRejectsFailsAndPutsTheFilesBack() throws Exception {
        Path crt = certDir.resolve(NAMED + ".crt");
        Path key = certDir.resolve(NAMED + ".key");
        byte[] crtBefore = Files.readAllBytes(crt);
        byte[] keyBefore = Files.readAllBytes(key);
        try (WorkerJobs jobs = new WorkerJobs(kafka, codec, "t_ssl", NAMED)) {
            // NAMED's server block names its files: nginx -t cannot load them once they are gone.
            JobStateChanged failed = remove(jobs, NAMED);

            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.error().code()).isEqualTo(ErrorCodes.NGINX_TEST_FAILED);
            assertThat(failed.error().message())
                    .contains("previous certificate files restored")
                    .contains(NAMED + ".crt");
            assertThat(Files.readAllBytes(crt)).isEqualTo(crtBefore);
            assertThat(Files.readAllBytes(key)).isEqualTo(keyBefore);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                    .isEqualTo("rw-------");
            assertThat(SslTestCertificates.served(nginx.port(), NAMED)).isEqualTo(named.fingerprint());
        }
    }

    private JobStateChanged remove(WorkerJobs jobs, String domain) throws Exception {
        String job = jobs.send(
                JobTypes.SSL_REMOVE, new RemoveCertificate(UUID.randomUUID().toString(), domain));
        List<JobStateChanged> events = jobs.awaitTerminal(job);
        return events.get(events.size() - 1);
    }

    /** The pids of nginx's worker processes: a reload starts new ones and lets the old ones go. */
    private static Set<Long> nginxWorkers() throws Exception {
        long master = Long.parseLong(
                Files.readString(nginx.configFile().resolveSibling("nginx.pid")).trim());
        return ProcessHandle.of(master)
                .orElseThrow()
                .children()
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private static void awaitReloaded(Set<Long> before) throws Exception {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(nginxWorkers())
                        .as("nginx's workers after a reload")
                        .isNotEmpty()
                        .doesNotContainAnyElementsOf(before));
    }
}
