package io.hostplane.worker.ssl;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A self-signed RSA certificate for one name, made with BouncyCastle; nothing certificate-like is committed. */
public record SslTestCertificates(KeyPair keys, X509Certificate certificate) {

    public static SslTestCertificates selfSigned(String domain) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair keys = g.generateKeyPair();
            X500Name name = new X500Name("CN=" + domain);
            var builder = new JcaX509v3CertificateBuilder(
                    name,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(Instant.now().minusSeconds(60)),
                    Date.from(Instant.now().plus(Duration.ofDays(90))),
                    name,
                    keys.getPublic());
            builder.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, domain)));
            var holder = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate()));
            return new SslTestCertificates(keys, new JcaX509CertificateConverter().getCertificate(holder));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String certificatePem() {
        return pem(certificate);
    }

    public String keyPem() {
        try {
            return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String fingerprint() {
        return fingerprint(certificate);
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) {
        try {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                writer.writeObject(object);
            }
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of the certificate a TLS server on 127.0.0.1 presents for SNI {@code name} (trust-all: only to read it). */
    public static String served(int port, String name) throws Exception {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, new SecureRandom());
        try (javax.net.ssl.SSLSocket socket =
                (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(name)));
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return fingerprint((X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }

    private static final class TrustAll implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
