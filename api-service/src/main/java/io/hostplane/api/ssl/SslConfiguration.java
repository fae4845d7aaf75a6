package io.hostplane.api.ssl;

import io.hostplane.common.crypto.SealedBox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The certificate checker, trusting the JDK's default trust store plus {@code hostplane.ssl.trusted-roots}. */
@Configuration(proxyBeanMethods = false)
class SslConfiguration {

    /**
     * The platform's sealing key as a box for credentials other features keep at rest (audit stream tokens and
     * CAs); the same key and id as the private keys', so one setting seals everything.
     */
    @Bean
    SealedBox sealedBox(SslProperties properties) {
        return new SealedBox(properties.key());
    }

    @Bean
    CertificateChecker certificateChecker(SslProperties properties) {
        return new CertificateChecker(
                anchors(properties.trustedRoots()),
                properties.expiresSoon(),
                properties.maxChainCertificates(),
                Clock.systemUTC());
    }

    static Set<TrustAnchor> anchors(String extraRoots) {
        Set<TrustAnchor> anchors = new HashSet<>();
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate root : x509.getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(root, null));
                    }
                }
            }
            if (extraRoots != null && !extraRoots.isBlank()) {
                try (InputStream in = Files.newInputStream(Path.of(extraRoots))) {
                    for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        anchors.add(new TrustAnchor((X509Certificate) cert, null));
                    }
                }
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot load the trusted roots for certificate chains", e);
        }
        return anchors;
    }
}
