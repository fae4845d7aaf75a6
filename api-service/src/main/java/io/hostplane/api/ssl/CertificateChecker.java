package io.hostplane.api.ssl;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.job.Warning;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * The checks of {@code PUT /domains/{domain}/ssl}, free of I/O. Critical problems (unreadable PEM, no
 * certificate, a key that does not belong to the certificate, a certificate outside its validity period,
 * fields over their limits) are field errors; the rest are warnings ({@code CERT_NAME_MISMATCH},
 * {@code CHAIN_INCOMPLETE}, {@code EXPIRES_SOON}, {@code WEAK_KEY}) and the certificate is still installed.
 */
final class CertificateChecker {

    static final String WARNING_TYPE = "SSL";

    static final int MAX_CERTIFICATE_CHARS = 32 * 1024;
    static final int MAX_CHAIN_CHARS = 128 * 1024;
    static final int MAX_KEY_CHARS = 32 * 1024;

    private final Set<TrustAnchor> anchors;
    private final Duration expiresSoon;
    private final int maxChainCertificates;
    private final Clock clock;

    CertificateChecker(Set<TrustAnchor> anchors, Duration expiresSoon, int maxChainCertificates, Clock clock) {
        this.anchors = anchors;
        this.expiresSoon = expiresSoon;
        this.maxChainCertificates = maxChainCertificates;
        this.clock = clock;
    }

    /** A certificate that passed: what is installed, stored and shown. {@code privateKeyPem} is PKCS#8. */
    record Checked(
            X509Certificate leaf,
            List<X509Certificate> chain,
            String certificatePem,
            String chainPem,
            String privateKeyPem,
            List<Warning> warnings) {}

    record Result(Checked checked, List<FieldError> errors) {}

    /**
     * The certificate, key and chain of {@code body} for {@code domain}, or the field errors: {@code problems},
     * those found in its shape, and every one found here.
     */
    Result check(String domain, SslCertificateBody body, List<FieldError> problems) {
        List<FieldError> errors = new ArrayList<>(problems);
        String certText = body.certificate();
        String chainText = body.chain();
        String keyText = body.privateKey();

        List<X509Certificate> certs = certText == null ? null : certificates("certificate", certText, errors);
        List<X509Certificate> chain = new ArrayList<>();
        if (certs != null && certs.size() > 1) {
            // A "full chain" pasted into certificate: the first is the leaf, the rest lead the chain.
            chain.addAll(certs.subList(1, certs.size()));
        }
        if (chainText != null && !chainText.isBlank()) {
            List<X509Certificate> more = certificates("chain", chainText, errors);
            if (more != null) {
                chain.addAll(more);
            }
        }
        if (chain.size() > maxChainCertificates) {
            errors.add(new FieldError(
                    "chain", ErrorCodes.TOO_LARGE, "At most " + maxChainCertificates + " chain certificates."));
        }
        PrivateKey key = keyText == null ? null : privateKey(keyText, errors);
        X509Certificate leaf = certs == null || certs.isEmpty() ? null : certs.get(0);
        if (leaf != null) {
            validity(leaf, errors);
            if (key != null && !matches(key, leaf.getPublicKey())) {
                errors.add(new FieldError(
                        "private_key", ErrorCodes.KEY_MISMATCH, "The private key does not belong to the certificate."));
            }
        }
        if (!errors.isEmpty() || leaf == null || key == null) {
            return new Result(null, errors);
        }
        List<Warning> warnings = new ArrayList<>();
        names(domain, leaf, warnings);
        chain(leaf, chain, warnings);
        expiry(leaf, warnings);
        strength(leaf.getPublicKey(), warnings);
        try {
            StringBuilder chainPem = new StringBuilder();
            for (X509Certificate c : chain) {
                chainPem.append(Pem.encode("CERTIFICATE", c.getEncoded()));
            }
            return new Result(
                    new Checked(
                            leaf,
                            List.copyOf(chain),
                            Pem.encode("CERTIFICATE", leaf.getEncoded()),
                            chainPem.toString(),
                            Pem.encode("PRIVATE KEY", key.getEncoded()),
                            List.copyOf(warnings)),
                    List.of());
        } catch (CertificateException e) {
            errors.add(new FieldError("certificate", ErrorCodes.INVALID, "The certificate cannot be encoded."));
            return new Result(null, errors);
        }
    }

    /** Every block of {@code text} as a certificate; any other block or an unreadable one is an error. */
    static List<X509Certificate> certificates(String field, String text, List<FieldError> errors) {
        List<Pem.Block> blocks;
        try {
            blocks = Pem.parse(text);
        } catch (Pem.NotPem e) {
            errors.add(new FieldError(field, ErrorCodes.INVALID, field + " " + e.getMessage() + "."));
            return null;
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            Pem.Block block = blocks.get(i);
            if (!block.type().equals("CERTIFICATE")) {
                String hint = block.type().contains("PRIVATE KEY") ? "; the key belongs in private_key" : "";
                errors.add(new FieldError(
                        field,
                        ErrorCodes.INVALID,
                        field + " must hold CERTIFICATE blocks only, block " + (i + 1) + " is " + block.type() + hint
                                + "."));
                return null;
            }
            try {
                Collection<? extends java.security.cert.Certificate> read = CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(block.der()));
                if (read.size() != 1) {
                    throw new CertificateException("not one certificate");
                }
                certs.add((X509Certificate) read.iterator().next());
            } catch (CertificateException | RuntimeException e) {
                errors.add(new FieldError(
                        field, ErrorCodes.INVALID, field + ": block " + (i + 1) + " is not an X.509 certificate."));
                return null;
            }
        }
        return certs;
    }

    /** The one private key in {@code text}: PKCS#8, PKCS#1 (RSA) or SEC1 (EC); encrypted keys are refused. */
    static PrivateKey privateKey(String text, List<FieldError> errors) {
        List<Pem.Block> blocks;
        try {
            blocks = Pem.parse(text);
        } catch (Pem.NotPem e) {
            errors.add(new FieldError("private_key", ErrorCodes.INVALID, "private_key " + e.getMessage() + "."));
            return null;
        }
        List<Pem.Block> keys =
                blocks.stream().filter(b -> b.type().endsWith("PRIVATE KEY")).toList();
        if (keys.size() != 1) {
            errors.add(new FieldError(
                    "private_key",
                    ErrorCodes.INVALID,
                    "private_key must hold exactly one PRIVATE KEY block, it holds " + keys.size() + "."));
            return null;
        }
        Pem.Block block = keys.get(0);
        if (block.type().equals("ENCRYPTED PRIVATE KEY")) {
            errors.add(new FieldError(
                    "private_key",
                    ErrorCodes.UNSUPPORTED,
                    "Encrypted private keys are not supported; send it unencrypted."));
            return null;
        }
        try (PEMParser parser = new PEMParser(new StringReader(Pem.encode(block.type(), block.der())))) {
            Object read = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (read instanceof PEMKeyPair pair) {
                // Only the private half: a SEC1 key may omit its public key.
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (read instanceof PEMEncryptedKeyPair || read instanceof PKCS8EncryptedPrivateKeyInfo) {
                errors.add(new FieldError(
                        "private_key",
                        ErrorCodes.UNSUPPORTED,
                        "Encrypted private keys are not supported; send it unencrypted."));
                return null;
            }
            throw new IOException("not a private key");
        } catch (IOException | RuntimeException e) {
            // Never e.getMessage(): parsers may quote the input.
            errors.add(new FieldError(
                    "private_key",
                    ErrorCodes.INVALID,
                    "private_key is not a readable " + block.type() + " (PKCS#8, PKCS#1 RSA or SEC1 EC)."));
            return null;
        }
    }

    /** Whether {@code key} is the private half of {@code publicKey}: a signature made with one verifies with the other. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (publicKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null || !sameFamily(key.getAlgorithm(), publicKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(publicKey);
            verify.update(probe);
            return verify.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean sameFamily(String a, String b) {
        String x = a.equals("EdDSA") ? "Ed25519" : a;
        String y = b.equals("EdDSA") ? "Ed25519" : b;
        return x.equals(y) || (a.startsWith("Ed") && b.startsWith("Ed"));
    }

    private void validity(X509Certificate leaf, List<FieldError> errors) {
        try {
            leaf.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            errors.add(new FieldError(
                    "certificate",
                    ErrorCodes.CERT_EXPIRED,
                    "The certificate expired at " + leaf.getNotAfter().toInstant() + "."));
        } catch (CertificateNotYetValidException e) {
            errors.add(new FieldError(
                    "certificate",
                    ErrorCodes.CERT_NOT_YET_VALID,
                    "The certificate is not valid before " + leaf.getNotBefore().toInstant() + "."));
        }
    }

    private static void names(String domain, X509Certificate leaf, List<Warning> warnings) {
        List<String> names = dnsNames(leaf);
        if (names.stream().noneMatch(n -> covers(n, domain))) {
            warnings.add(new Warning(
                    WARNING_TYPE,
                    ErrorCodes.CERT_NAME_MISMATCH,
                    "The certificate is for " + (names.isEmpty() ? "no DNS name" : String.join(", ", names)) + ", not "
                            + domain + "."));
        }
    }

    /** The DNS names a certificate is for: its dNSName SANs, or its subject CN when it has none (RFC 6125). */
    static List<String> dnsNames(X509Certificate cert) {
        List<String> sans = sans(cert);
        if (!sans.isEmpty()) {
            return sans;
        }
        String cn = commonName(cert);
        return cn == null ? List.of() : List.of(cn.toLowerCase(Locale.ROOT));
    }

    static List<String> sans(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> all = cert.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> san : all) {
                    if (Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String name) {
                        names.add(name.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateException e) {
            return List.of();
        }
        return names;
    }

    static String commonName(X509Certificate cert) {
        try {
            LdapName name = new LdapName(cert.getSubjectX500Principal().getName());
            for (Rdn rdn : name.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    /** Whether certificate name {@code pattern} covers {@code host}; a wildcard stands for exactly one label. */
    static boolean covers(String pattern, String host) {
        String p = strip(pattern.toLowerCase(Locale.ROOT));
        String h = strip(host.toLowerCase(Locale.ROOT));
        if (p.equals(h)) {
            return true;
        }
        if (p.startsWith("*.") && p.indexOf('*', 1) < 0) {
            int dot = h.indexOf('.');
            return dot > 0
                    && h.substring(dot + 1).equals(p.substring(2))
                    && p.substring(2).contains(".");
        }
        return false;
    }

    private static String strip(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private void chain(X509Certificate leaf, List<X509Certificate> chain, List<Warning> warnings) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        path.addAll(chain);
        for (int i = 0; i + 1 < path.size(); i++) {
            if (!path.get(i).getIssuerX500Principal().equals(path.get(i + 1).getSubjectX500Principal())) {
                warnings.add(new Warning(
                        WARNING_TYPE,
                        ErrorCodes.CHAIN_INCOMPLETE,
                        "The chain is out of order: certificate " + (i + 1) + " is not issued by certificate " + (i + 2)
                                + "; clients may fail to build a path."));
                return;
            }
        }
        // A trailing self-signed root is not part of a PKIX path; the trust store must hold it.
        X509Certificate last = path.get(path.size() - 1);
        if (path.size() > 1 && last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
            path.remove(path.size() - 1);
        }
        String reason = pkix(path);
        if (reason != null) {
            warnings.add(new Warning(
                    WARNING_TYPE,
                    ErrorCodes.CHAIN_INCOMPLETE,
                    "The chain does not lead to a trusted root (" + reason + "); add the intermediate certificates."));
        }
    }

    /** Null when {@code path} validates against the trust anchors now, else why not. */
    private String pkix(List<X509Certificate> path) {
        if (anchors.isEmpty()) {
            return "no trusted roots are configured";
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return null;
        } catch (java.security.cert.CertPathValidatorException e) {
            return String.valueOf(e.getReason()).toLowerCase(Locale.ROOT).replace('_', ' ');
        } catch (GeneralSecurityException e) {
            return "the path cannot be checked";
        }
    }

    private void expiry(X509Certificate leaf, List<Warning> warnings) {
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (notAfter.isBefore(clock.instant().plus(expiresSoon))) {
            long days = Duration.between(clock.instant(), notAfter).toDays();
            warnings.add(new Warning(
                    WARNING_TYPE,
                    ErrorCodes.EXPIRES_SOON,
                    "The certificate expires at " + notAfter + " (in " + days + " days); renew it."));
        }
    }

    private static void strength(PublicKey key, List<Warning> warnings) {
        int bits = keySize(key);
        if (key instanceof RSAKey && bits < 2048) {
            warnings.add(new Warning(
                    WARNING_TYPE, ErrorCodes.WEAK_KEY, "The RSA key has " + bits + " bits; use at least 2048."));
        } else if (key instanceof ECKey && bits < 256) {
            warnings.add(new Warning(
                    WARNING_TYPE, ErrorCodes.WEAK_KEY, "The EC key has " + bits + " bits; use at least 256."));
        }
    }

    static String keyType(PublicKey key) {
        return key.getAlgorithm().equals("EdDSA") ? "Ed25519" : key.getAlgorithm();
    }

    static int keySize(PublicKey key) {
        if (key instanceof RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        return switch (key.getAlgorithm()) {
            case "Ed25519", "EdDSA" -> 256;
            case "Ed448" -> 456;
            default -> 0;
        };
    }

    static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
