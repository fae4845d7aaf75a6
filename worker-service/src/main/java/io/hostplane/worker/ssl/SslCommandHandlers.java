package io.hostplane.worker.ssl;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.InstallCertificate;
import io.hostplane.common.job.JobTypes;
import io.hostplane.worker.nginx.CertificateFollower;
import io.hostplane.worker.system.CommandHandler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code ssl.install} job: the backend chosen by {@code hostplane.ssl.backend} ({@link SslRemoveHandler} uses
 * it too; the nginx backend lets every {@link CertificateFollower} rewrite what refers to a certificate it
 * changes), the key vault it needs, and the handler. The job's warnings are those the API found when it checked
 * the certificate.
 */
@Configuration(proxyBeanMethods = false)
class SslCommandHandlers {

    @Bean
    SslBackend sslBackend(SslProperties properties, JdbcTemplate jdbc, ObjectProvider<CertificateFollower> followers) {
        return switch (properties.backend()) {
            case "local" -> new LocalSslBackend(jdbc);
            case "nginx" ->
                new NginxSslBackend(
                        properties.nginx(), () -> followers.orderedStream().toList());
            default ->
                throw new IllegalStateException(
                        "hostplane.ssl.backend must be local or nginx, not " + properties.backend());
        };
    }

    @Bean
    CommandHandler sslInstallHandler(
            SslProperties properties, SslBackend backend, JdbcTemplate jdbc, EventCodec codec) {
        // The nginx backend writes the key, so it needs the encryption key at start; local never reads the key.
        SslKeyVault vault = backend instanceof LocalSslBackend && blank(properties.encryptionKey())
                ? null
                : new SslKeyVault(jdbc, properties.encryptionKey());
        return new CommandHandler() {
            @Override
            public String jobType() {
                return JobTypes.SSL_INSTALL;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                InstallCertificate install = codec.data(command, InstallCertificate.class);
                String fullChain = install.certificate() + (install.chain() == null ? "" : install.chain());
                Supplier<String> key = () -> vault.privateKey(install.certificateId());
                backend.install(install.domain(), install.certificateId(), install.fingerprintSha256(), fullChain, key);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("certificate_id", install.certificateId());
                result.put("domain", install.domain());
                result.put("fingerprint_sha256", install.fingerprintSha256());
                result.put("backend", backend.name());
                return new Outcome(codec.tree(result), install.warnings() == null ? List.of() : install.warnings());
            }
        };
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
