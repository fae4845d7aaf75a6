package io.hostplane.worker.website;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.hostplane.common.crypto.SealedBox;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.common.event.DeleteWebsite;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.InstallCertificate;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.event.RemoveCertificate;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.embedded.FreePorts;
import io.hostplane.embedded.NginxServer;
import io.hostplane.embedded.TestInfrastructure;
import io.hostplane.worker.WorkerApplication;
import io.hostplane.worker.WorkerJobs;
import io.hostplane.worker.ssl.SslTestCertificates;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
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
 * Websites through the real worker on Debian's nginx (127.0.0.1 only, with its master process so that it can be
 * reloaded), with the real {@code nginx -t} and reload: sites answer by name and unknown names get nothing, a
 * proxy connects to the pinned address, TLS follows the certificate the nginx SSL backend installs and removes,
 * and a configuration nginx refuses never reaches a reload.
 */
@DirtiesContext // one worker (one consumer of the commands) at a time
@SpringBootTest(
        classes = WorkerApplication.class,
        properties = {WorkerApplication.CONFIG_NAME, "hostplane.ssl.backend=nginx", "hostplane.websites.backend=nginx"},
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class WebsiteNginxTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final byte[] KEY = new byte[32];
    private static final Path root;
    private static final Path sites;
    private static final Path certs;
    private static final Path conf;
    private static final int HTTPS_PORT = FreePorts.next();
    private static final NginxServer nginx;

    static {
        new SecureRandom().nextBytes(KEY);
        try {
            // Reachable by nginx's worker processes (user nobody when nginx starts as root), which read the files.
            root = Files.createTempDirectory(
                    "hostplane-websites",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        sites = root.resolve("sites");
        certs = root.resolve("certs");
        conf = root.resolve("conf");
        nginx = new NginxServer(root.resolve("nginx"), FreePorts.next()).withMasterProcess();
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
        String test = String.join(" ", nginx.testCommand());
        String reload = String.join(" ", nginx.reloadCommand());
        registry.add(
                "hostplane.ssl.encryption-key",
                () -> java.util.Base64.getEncoder().encodeToString(KEY));
        registry.add("hostplane.ssl.nginx.cert-dir", certs::toString);
        registry.add("hostplane.ssl.nginx.test-command", () -> test);
        registry.add("hostplane.ssl.nginx.reload-command", () -> reload);
        registry.add("hostplane.ssl.nginx.command-timeout", () -> "20s");
        registry.add("hostplane.backup.sites-dir", sites::toString);
        registry.add("hostplane.websites.nginx.conf-dir", conf::toString);
        registry.add("hostplane.websites.nginx.http-port", () -> Integer.toString(nginx.port()));
        registry.add("hostplane.websites.nginx.https-port", () -> Integer.toString(HTTPS_PORT));
        registry.add("hostplane.websites.nginx.listen-address", () -> "127.0.0.1");
        registry.add("hostplane.websites.nginx.test-command", () -> test);
        registry.add("hostplane.websites.nginx.reload-command", () -> reload);
        registry.add("hostplane.websites.nginx.command-timeout", () -> "20s");
    }

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    EventCodec codec;

    @BeforeAll
    static void startNginx() throws Exception {
        assumeTrue(NginxServer.isInstalled(), "nginx is not installed at " + NginxServer.BINARY);
        // The API creates api.ssl_private_keys; the worker module runs only its own migrations.
        TestInfrastructure infra = TestInfrastructure.shared();
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password())) {
            c.createStatement().execute("create schema if not exists api");
            c.createStatement()
                    .execute("create table if not exists api.ssl_private_keys (certificate_id uuid primary key, "
                            + "nonce bytea not null, ciphertext bytea not null, key_id text not null, "
                            + "created_at timestamptz not null default now())");
        }
        Files.createDirectories(conf);
        Files.createDirectories(sites);
        // As an operator's nginx.conf would: the websites' folder included in the http block. The first server
        // only gives nginx something to listen on before the worker wrote anything.
        nginx.start(String.join(
                "\n",
                "server {",
                "  listen 127.0.0.1:${port};",
                "  server_name nginx-started.invalid;",
                "  return 204;",
                "}",
                "include " + conf + "/*.conf;"));
    }

    @AfterAll
    static void stopNginx() {
        nginx.close();
    }

    @Test
    void staticSitesAnswerByTheirNamesUnknownNamesGetNothingAndADeletedSiteLeavesTheOthersAnswering() throws Exception {
        String a = "a-" + RUN + ".test";
        String b = "b-" + RUN + ".test";
        content(a, "site a");
        content(b, "site b");
        try (WorkerJobs jobs = new WorkerJobs(kafka, codec, "t_web", a)) {
            Warning fromApi = new Warning("WEBSITE", "DNS_NO_ADDRESS", "no A record for www." + a);
            JobStateChanged applied =
                    run(jobs, JobTypes.WEBSITE_APPLY, site("w-a", a, List.of("www." + a), "auto", List.of(fromApi)));
            assertThat(applied.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(applied.warnings()).containsExactly(fromApi);
            assertThat(applied.result().path("website_id").asString()).isEqualTo("w-a");
            assertThat(applied.result().path("domain").asString()).isEqualTo(a);
            assertThat(applied.result().path("backend").asString()).isEqualTo("nginx");
            assertThat(run(jobs, JobTypes.WEBSITE_APPLY, site("w-b", b, List.of(), "auto", null))
                            .status())
                    .isEqualTo(JobStatus.SUCCEEDED);
            assertThat(conf.resolve("00-default.conf")).exists();
            assertThat(conf.resolve(a + ".json")).exists();

            // nginx reloads asynchronously: the second reload has taken effect once b answers.
            awaitBody(b, "site b");
            assertThat(WebClient.http(nginx.port(), a, "/").body()).isEqualTo("site a");
            assertThat(WebClient.http(nginx.port(), "www." + a, "/").body()).isEqualTo("site a");
            assertThat(WebClient.http(nginx.port(), b, "/index.html").body()).isEqualTo("site b");
            assertThat(WebClient.http(nginx.port(), "unknown-" + a, "/").none()).isTrue();
            assertThat(WebClient.http(nginx.port(), "127.0.0.1", "/").none()).isTrue();
            // Nor does TLS answer a name without a website: the handshake is refused.
            assertThatThrownBy(() -> WebClient.https(HTTPS_PORT, "unknown-" + a, "/"))
                    .isInstanceOf(SSLException.class);

            JobStateChanged deleted = run(jobs, JobTypes.WEBSITE_DELETE, new DeleteWebsite("w-b", b));
            assertThat(deleted.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(deleted.result().path("removed").asBoolean()).isTrue();
            assertThat(conf.resolve(b + ".conf")).doesNotExist();
            assertThat(conf.resolve(b + ".json")).doesNotExist();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(
                                    WebClient.http(nginx.port(), b, "/").none())
                            .as("a deleted site gets no answer")
                            .isTrue());
            assertThat(WebClient.http(nginx.port(), a, "/").body()).isEqualTo("site a");
            assertThat(sites.resolve(b).resolve("index.html"))
                    .as("the live root's files stay")
                    .exists();

            // Again (a redelivery): nothing left to remove, still succeeds.
            JobStateChanged again = run(jobs, JobTypes.WEBSITE_DELETE, new DeleteWebsite("w-b", b));
            assertThat(again.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(again.result().path("removed").asBoolean()).isFalse();
        }
    }

    @Test
    void aProxySiteConnectsToThePinnedAddressAndSendsTheUpstreamsName() throws Exception {
        String p = "p-" + RUN + ".test";
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = ("upstream: Host=" + exchange.getRequestHeaders().getFirst("Host") + " path="
                            + exchange.getRequestURI())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        try (WorkerJobs jobs = new WorkerJobs(kafka, codec, "t_web", p)) {
            int port = upstream.getAddress().getPort();
            // The upstream's name does not resolve: only the pinned address can reach it.
            String name = "app-" + RUN + ".upstream.invalid";
            ApplyWebsite proxy = new ApplyWebsite(
                    "w-p", p, List.of(), "proxy", "http://" + name + ":" + port, "127.0.0.1", "auto", null, null);
            assertThat(run(jobs, JobTypes.WEBSITE_APPLY, proxy).status()).isEqualTo(JobStatus.SUCCEEDED);

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(WebClient.http(nginx.port(), p, "/hello?x=1")
                                    .body())
                            .isEqualTo("upstream: Host=" + name + ":" + port + " path=/hello?x=1"));
        } finally {
            upstream.stop(0);
        }
    }

    @Test
    void tlsFollowsTheCertificateTheSslBackendInstallsAndRemoves() throws Exception {
        String t = "t-" + RUN + ".test";
        content(t, "site t");
        try (WorkerJobs jobs = new WorkerJobs(kafka, codec, "t_web", t)) {
            ApplyWebsite website = site("w-t", t, List.of("www." + t), "redirect", null);
            JobStateChanged plain = run(jobs, JobTypes.WEBSITE_APPLY, website);
            assertThat(plain.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(Files.readString(conf.resolve(t + ".conf"))).doesNotContain("ssl");
            awaitBody(t, "site t");

            // ssl.install: the certificate's files, and the site rewritten with TLS, in one nginx change.
            SslTestCertificates certificate = SslTestCertificates.selfSigned(t);
            assertThat(install(jobs, t, certificate).status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(Files.readString(conf.resolve(t + ".conf")))
                    .contains("ssl_certificate " + certs.resolve(t + ".crt") + ";");
            // Until the reload has taken effect, the default server refuses the handshake.
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptionsInstanceOf(SSLException.class)
                    .untilAsserted(() -> {
                        WebClient.Answer tls = WebClient.https(HTTPS_PORT, t, "/");
                        assertThat(tls.certificateFingerprint()).isEqualTo(certificate.fingerprint());
                        assertThat(tls.body()).isEqualTo("site t");
                    });
            WebClient.Answer redirect = WebClient.http(nginx.port(), t, "/a/b?c=d");
            assertThat(redirect.status()).isEqualTo(301);
            assertThat(redirect.header("Location")).isEqualTo("https://" + t + ":" + HTTPS_PORT + "/a/b?c=d");

            // The certificate covers the domain, not the alias: the worker says so.
            JobStateChanged again = run(jobs, JobTypes.WEBSITE_APPLY, website);
            assertThat(again.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(again.warnings()).singleElement().satisfies(w -> {
                assertThat(w.code()).isEqualTo(ErrorCodes.CERT_NAME_MISMATCH);
                assertThat(w.message()).contains("www." + t);
            });

            // ssl.remove: the site is rewritten to plain HTTP in the same change, so nginx -t still passes.
            JobStateChanged removed = run(
                    jobs,
                    JobTypes.SSL_REMOVE,
                    new RemoveCertificate(UUID.randomUUID().toString(), t));
            assertThat(removed.status()).isEqualTo(JobStatus.SUCCEEDED);
            assertThat(certs.resolve(t + ".crt")).doesNotExist();
            assertThat(Files.readString(conf.resolve(t + ".conf"))).doesNotContain("ssl");
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(
                                    WebClient.http(nginx.port(), t, "/").body())
                            .isEqualTo("site t"));
            assertThatThrownBy(() -> WebClient.https(HTTPS_PORT, t, "/")).isInstanceOf(SSLException.class);

            // A later, unrelated change still passes nginx -t.
            String u = "u-" + RUN + ".test";
            content(u, "site u");
            assertThat(run(jobs, JobTypes.WEBSITE_APPLY, site("w-u", u, List.of(), "auto", null))
                            .status())
                    .isEqualTo(JobStatus.SUCCEEDED);
            awaitBody(u, "site u");
        }
    }

    @Test
    void aConfigurationNginxRefusesNeverReachesAReloadAndThePreviousOneKeepsServing() throws Exception {
        String f = "f-" + RUN + ".test";
        String g = "g-" + RUN + ".test";
        content(f, "site f");
        Path broken = conf.resolve("zz-broken-" + RUN + ".conf");
        try (WorkerJobs jobs = new WorkerJobs(kafka, codec, "t_web", f)) {
            assertThat(run(jobs, JobTypes.WEBSITE_APPLY, site("w-f", f, List.of(), "auto", null))
                            .status())
                    .isEqualTo(JobStatus.SUCCEEDED);
            awaitBody(f, "site f");
            byte[] block = Files.readAllBytes(conf.resolve(f + ".conf"));
            byte[] stored = Files.readAllBytes(conf.resolve(f + ".json"));

            // Another file in the folder that nginx cannot load: every test fails from now on.
            Files.writeString(broken, "server { listen 127.0.0.1:" + nginx.port() + "; no_such_directive on; }\n");
            // The workers of the last reload alone (those it replaced have finished), to compare with below.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(nginxWorkers()).hasSize(1));
            Set<Long> workers = nginxWorkers();

            JobStateChanged failed =
                    run(jobs, JobTypes.WEBSITE_APPLY, site("w-f", f, List.of("www." + f), "auto", null));
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.error().code()).isEqualTo(ErrorCodes.NGINX_TEST_FAILED);
            assertThat(failed.error().message())
                    .contains("previous website files restored")
                    .contains("no_such_directive");
            assertThat(Files.readAllBytes(conf.resolve(f + ".conf"))).isEqualTo(block);
            assertThat(Files.readAllBytes(conf.resolve(f + ".json"))).isEqualTo(stored);

            // A new site refused the same way leaves nothing behind.
            content(g, "site g");
            JobStateChanged refused = run(jobs, JobTypes.WEBSITE_APPLY, site("w-g", g, List.of(), "auto", null));
            assertThat(refused.error().code()).isEqualTo(ErrorCodes.NGINX_TEST_FAILED);
            assertThat(conf.resolve(g + ".conf")).doesNotExist();
            assertThat(conf.resolve(g + ".json")).doesNotExist();
            try (var listing = Files.list(conf)) {
                assertThat(listing.map(x -> x.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
            }

            // No reload happened: the same workers still answer, with the previous configuration.
            assertThat(nginxWorkers()).isEqualTo(workers);
            assertThat(WebClient.http(nginx.port(), f, "/").body()).isEqualTo("site f");
            assertThat(WebClient.http(nginx.port(), "www." + f, "/").none()).isTrue();
            assertThat(WebClient.http(nginx.port(), g, "/").none()).isTrue();
        } finally {
            Files.deleteIfExists(broken);
        }
    }

    private static ApplyWebsite site(
            String id, String domain, List<String> aliases, String https, List<Warning> warnings) {
        return new ApplyWebsite(id, domain, aliases, "static", null, null, https, null, warnings);
    }

    private static void content(String domain, String text) throws Exception {
        Path dir = Files.createDirectories(sites.resolve(domain));
        Files.writeString(dir.resolve("index.html"), text);
    }

    private static void awaitBody(String host, String body) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(WebClient.http(nginx.port(), host, "/").body())
                                .as("what nginx answers for " + host)
                                .isEqualTo(body));
    }

    private JobStateChanged run(WorkerJobs jobs, String type, Object data) throws Exception {
        String job = jobs.send(type, data);
        List<JobStateChanged> events = jobs.awaitTerminal(job);
        return events.get(events.size() - 1);
    }

    /** Seals the key as the API does, stores it, and installs the certificate through the nginx SSL backend. */
    private JobStateChanged install(WorkerJobs jobs, String domain, SslTestCertificates cert) throws Exception {
        String certificateId = UUID.randomUUID().toString();
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(certificateId.getBytes(StandardCharsets.UTF_8));
        byte[] ciphertext = cipher.doFinal(cert.keyPem().getBytes(StandardCharsets.US_ASCII));
        TestInfrastructure infra = TestInfrastructure.shared();
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password());
                PreparedStatement s = c.prepareStatement("insert into api.ssl_private_keys "
                        + "(certificate_id, nonce, ciphertext, key_id) values (?::uuid, ?, ?, ?)")) {
            s.setString(1, certificateId);
            s.setBytes(2, nonce);
            s.setBytes(3, ciphertext);
            s.setString(4, SealedBox.keyId(KEY));
            s.executeUpdate();
        }
        return run(
                jobs,
                JobTypes.SSL_INSTALL,
                new InstallCertificate(
                        certificateId, domain, cert.certificatePem(), "", cert.fingerprint(), List.of()));
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
}
