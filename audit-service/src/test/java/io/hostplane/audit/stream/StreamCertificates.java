package io.hostplane.audit.stream;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA and a server certificate it issued for {@code localhost} and {@code 127.0.0.1}, made here
 * (BouncyCastle); nothing certificate-like is committed.
 */
final class StreamCertificates {

    final KeyPair caKeys = rsa();
    final X509Certificate ca;
    final KeyPair serverKeys = rsa();
    final X509Certificate server;

    StreamCertificates() {
        ca = issue(new X500Name("CN=hostplane stream test CA"), caKeys, caKeys, true);
        server = issue(new X500Name("CN=localhost"), serverKeys, caKeys, false);
    }

    String caPem() {
        return pem(ca);
    }

    /** Writes {@code ca.pem}, {@code server.pem} and {@code server.key} (PKCS#8) into {@code dir}. */
    Path[] write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path caFile = Files.writeString(dir.resolve("ca.pem"), pem(ca));
        Path cert = Files.writeString(dir.resolve("server.pem"), pem(server));
        String key;
        try {
            key = pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null).generate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Path keyFile = Files.writeString(dir.resolve("server.key"), key);
        return new Path[] {caFile, cert, keyFile};
    }

    /** A server-side TLS context presenting the server certificate (for an HTTPS receiver). */
    SSLContext serverContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "server", serverKeys.getPrivate(), new char[0], new java.security.cert.Certificate[] {server, ca});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private X509Certificate issue(X500Name subject, KeyPair keys, KeyPair signer, boolean isCa) {
        try {
            X500Name issuer = isCa
                    ? subject
                    : X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
            var builder = new JcaX509v3CertificateBuilder(
                    issuer,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(Instant.now().minusSeconds(3600)),
                    Date.from(Instant.now().plusSeconds(86400)),
                    subject,
                    keys.getPublic());
            if (isCa) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                }));
            }
            var holder = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate()));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** RSA: GnuTLS reads the JDK's PKCS#8 encoding of RSA keys (not of its EC keys, which lack the curve inside). */
    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }
}
