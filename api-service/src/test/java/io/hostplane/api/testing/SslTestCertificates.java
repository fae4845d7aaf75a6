package io.hostplane.api.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates and keys made by the tests (BouncyCastle); nothing certificate-like is committed. */
public final class SslTestCertificates {

    private SslTestCertificates() {}

    /** A key pair and the certificate issued for it. */
    public record Issued(KeyPair keys, X509Certificate certificate) {

        public String certificatePem() {
            return pem(certificate);
        }

        /** {@code -----BEGIN PRIVATE KEY-----} (PKCS#8). */
        public String pkcs8KeyPem() {
            try {
                return pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@code -----BEGIN RSA PRIVATE KEY-----} (PKCS#1) or {@code -----BEGIN EC PRIVATE KEY-----} (SEC1). */
        public String traditionalKeyPem() {
            if (keys.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec) {
                // As OpenSSL writes it: with the curve and the public key (BouncyCastle's writer omits the curve).
                try {
                    var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(ec.getEncoded());
                    var spki = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                            keys.getPublic().getEncoded());
                    var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                            ec.getParams().getOrder().bitLength(),
                            ec.getS(),
                            spki.getPublicKeyData(),
                            info.getPrivateKeyAlgorithm().getParameters());
                    return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return pem(keys.getPrivate());
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Issued selfSigned(KeyPair keys, String cn, List<String> sans, Instant notBefore, Instant notAfter) {
        return issue(null, keys, cn, sans, notBefore, notAfter, false);
    }

    /** A CA certificate (self-signed when {@code issuer} is null). */
    public static Issued ca(Issued issuer, String cn) {
        return issue(
                issuer,
                rsa(2048),
                cn,
                List.of(),
                Instant.now().minusSeconds(3600),
                Instant.now().plusSeconds(3650L * 86400),
                true);
    }

    public static Issued issue(
            Issued issuer,
            KeyPair keys,
            String cn,
            List<String> sans,
            Instant notBefore,
            Instant notAfter,
            boolean ca) {
        try {
            X500Name subject = new X500Name("CN=" + cn);
            X500Name issuerName = issuer == null
                    ? subject
                    : X500Name.getInstance(
                            issuer.certificate().getSubjectX500Principal().getEncoded());
            PrivateKey signer =
                    issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
            var builder = new JcaX509v3CertificateBuilder(
                    issuerName,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    subject,
                    keys.getPublic());
            if (!sans.isEmpty()) {
                builder.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(sans.stream()
                                .map(n -> n.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:]*")
                                        ? new GeneralName(GeneralName.iPAddress, n)
                                        : new GeneralName(GeneralName.dNSName, n))
                                .toArray(GeneralName[]::new)));
            }
            if (ca) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(
                        Extension.keyUsage,
                        true,
                        new org.bouncycastle.asn1.x509.KeyUsage(org.bouncycastle.asn1.x509.KeyUsage.keyCertSign
                                | org.bouncycastle.asn1.x509.KeyUsage.cRLSign));
            }
            String algorithm = signer.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            var holder = builder.build(new JcaContentSignerBuilder(algorithm).build(signer));
            return new Issued(keys, new JcaX509CertificateConverter().getCertificate(holder));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(Object object) {
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
}
