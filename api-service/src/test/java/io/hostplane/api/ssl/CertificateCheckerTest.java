package io.hostplane.api.ssl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.system.RequestFields;
import io.hostplane.api.testing.SslTestCertificates;
import io.hostplane.api.testing.SslTestCertificates.Issued;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.job.Warning;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.TrustAnchor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The pure checks behind {@code PUT /domains/{domain}/ssl}: parsing, matching, validity, warnings. */
@Tag("fast")
class CertificateCheckerTest {

    private static final String DOMAIN = "shop.example.com";
    private static final Instant NOW = Instant.now();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CertificateChecker checker =
            new CertificateChecker(Set.of(), Duration.ofDays(30), 10, Clock.systemUTC());

    @Test
    void namesMatchExactlyOrThroughAOneLabelWildcard() {
        assertThat(CertificateChecker.covers("shop.example.com", DOMAIN)).isTrue();
        assertThat(CertificateChecker.covers("SHOP.Example.com.", DOMAIN)).isTrue();
        assertThat(CertificateChecker.covers("*.example.com", DOMAIN)).isTrue();
        assertThat(CertificateChecker.covers("*.example.com", "example.com")).isFalse();
        assertThat(CertificateChecker.covers("*.example.com", "a.shop.example.com"))
                .isFalse();
        assertThat(CertificateChecker.covers("*.com", "example.com")).isFalse();
        assertThat(CertificateChecker.covers("other.example.com", DOMAIN)).isFalse();
        assertThat(CertificateChecker.covers("s*.example.com", DOMAIN)).isFalse();
    }

    @Test
    void rsaKeysAreReadAsPkcs8AndPkcs1AndMatchTheirCertificate() {
        Issued cert = valid(SslTestCertificates.rsa(2048), List.of(DOMAIN));
        for (String key : List.of(cert.pkcs8KeyPem(), cert.traditionalKeyPem())) {
            CertificateChecker.Result result = check(checker, body(cert.certificatePem(), null, key));
            assertThat(result.errors()).isEmpty();
            assertThat(result.checked().privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
            assertThat(CertificateChecker.keySize(result.checked().leaf().getPublicKey()))
                    .isEqualTo(2048);
        }
        assertThat(cert.traditionalKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    }

    @Test
    void ecKeysAreReadAsPkcs8AndSec1AndMatchTheirCertificate() {
        Issued cert = valid(SslTestCertificates.ec("secp256r1"), List.of(DOMAIN));
        assertThat(cert.traditionalKeyPem()).startsWith("-----BEGIN EC PRIVATE KEY-----");
        for (String key : List.of(cert.pkcs8KeyPem(), cert.traditionalKeyPem())) {
            CertificateChecker.Result result = check(checker, body(cert.certificatePem(), null, key));
            assertThat(result.errors()).isEmpty();
            assertThat(CertificateChecker.keyType(result.checked().leaf().getPublicKey()))
                    .isEqualTo("EC");
            assertThat(CertificateChecker.keySize(result.checked().leaf().getPublicKey()))
                    .isEqualTo(256);
            assertThat(codes(result.checked().warnings())).doesNotContain("WEAK_KEY");
        }
    }

    @Test
    void aKeyOfAnotherPairIsRefusedForRsaAndEc() {
        Issued rsa = valid(SslTestCertificates.rsa(2048), List.of(DOMAIN));
        Issued otherRsa = valid(SslTestCertificates.rsa(2048), List.of(DOMAIN));
        Issued ec = valid(SslTestCertificates.ec("secp256r1"), List.of(DOMAIN));
        Issued otherEc = valid(SslTestCertificates.ec("secp256r1"), List.of(DOMAIN));
        assertThat(errors(body(rsa.certificatePem(), null, otherRsa.pkcs8KeyPem())))
                .containsExactly("private_key:KEY_MISMATCH");
        assertThat(errors(body(ec.certificatePem(), null, otherEc.traditionalKeyPem())))
                .containsExactly("private_key:KEY_MISMATCH");
        assertThat(errors(body(rsa.certificatePem(), null, ec.pkcs8KeyPem())))
                .containsExactly("private_key:KEY_MISMATCH");
    }

    @Test
    void unreadableOrMissingPemIsAFieldError() {
        Issued cert = valid(SslTestCertificates.rsa(2048), List.of(DOMAIN));
        String garbage = new String(new byte[] {0, 1, 2, (byte) 0xff, 'x', 0x7f}, StandardCharsets.ISO_8859_1);
        assertThat(errors(body(garbage, null, cert.pkcs8KeyPem()))).containsExactly("certificate:INVALID");
        assertThat(errors(body("just words", null, cert.pkcs8KeyPem()))).containsExactly("certificate:INVALID");
        assertThat(errors(body(
                        "-----BEGIN CERTIFICATE-----\n!!!notbase64\n-----END CERTIFICATE-----\n",
                        null,
                        cert.pkcs8KeyPem())))
                .containsExactly("certificate:INVALID");
        assertThat(errors(body(
                        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", null, cert.pkcs8KeyPem())))
                .containsExactly("certificate:INVALID");
        assertThat(errors(body(cert.pkcs8KeyPem(), null, cert.pkcs8KeyPem()))).containsExactly("certificate:INVALID");
        assertThat(errors(body(null, null, cert.pkcs8KeyPem()))).containsExactly("certificate:REQUIRED");
        assertThat(errors(body(cert.certificatePem(), null, garbage))).containsExactly("private_key:INVALID");
        assertThat(errors(body(cert.certificatePem(), null, cert.certificatePem())))
                .containsExactly("private_key:INVALID");
        assertThat(errors(body(cert.certificatePem(), "not a chain", cert.pkcs8KeyPem())))
                .containsExactly("chain:INVALID");
        assertThat(errors(body(cert.certificatePem(), null, null))).containsExactly("private_key:REQUIRED");
    }

    @Test
    void overLongFieldsAreRefused() {
        Issued cert = valid(SslTestCertificates.rsa(2048), List.of(DOMAIN));
        String huge = cert.certificatePem().repeat(40);
        assertThat(huge.length()).isGreaterThan(CertificateChecker.MAX_CERTIFICATE_CHARS);
        assertThat(errors(body(huge, null, cert.pkcs8KeyPem()))).containsExactly("certificate:TOO_LARGE");
        Issued ca = SslTestCertificates.ca(null, "Chain CA");
        assertThat(errors(body(cert.certificatePem(), ca.certificatePem().repeat(11), cert.pkcs8KeyPem())))
                .containsExactly("chain:TOO_LARGE");
    }

    @Test
    void expiredAndNotYetValidCertificatesAreRefused() {
        KeyPair keys = SslTestCertificates.rsa(2048);
        Issued expired = SslTestCertificates.selfSigned(
                keys, DOMAIN, List.of(DOMAIN), NOW.minus(Duration.ofDays(60)), NOW.minus(Duration.ofDays(1)));
        Issued future = SslTestCertificates.selfSigned(
                keys, DOMAIN, List.of(DOMAIN), NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)));
        assertThat(errors(body(expired.certificatePem(), null, expired.pkcs8KeyPem())))
                .containsExactly("certificate:CERT_EXPIRED");
        assertThat(errors(body(future.certificatePem(), null, future.pkcs8KeyPem())))
                .containsExactly("certificate:CERT_NOT_YET_VALID");
    }

    @Test
    void nameExpiryAndKeySizeProblemsAreWarnings() {
        Issued weak = SslTestCertificates.selfSigned(
                SslTestCertificates.rsa(1024),
                "other.example.org",
                List.of("other.example.org", "*.example.org"),
                NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(10)));
        CertificateChecker.Result result = check(checker, body(weak.certificatePem(), null, weak.pkcs8KeyPem()));
        assertThat(result.errors()).isEmpty();
        assertThat(codes(result.checked().warnings()))
                .containsExactlyInAnyOrder("CERT_NAME_MISMATCH", "CHAIN_INCOMPLETE", "EXPIRES_SOON", "WEAK_KEY");
        assertThat(result.checked().warnings())
                .allSatisfy(w -> assertThat(w.type()).isEqualTo("SSL"));

        Issued wildcard = valid(SslTestCertificates.rsa(2048), List.of("*.example.com"));
        assertThat(codes(check(checker, body(wildcard.certificatePem(), null, wildcard.pkcs8KeyPem()))
                        .checked()
                        .warnings()))
                .containsExactly("CHAIN_INCOMPLETE");
    }

    @Test
    void theCommonNameCountsOnlyWithoutDnsNames() {
        Issued cnOnly = SslTestCertificates.selfSigned(
                SslTestCertificates.rsa(2048), DOMAIN, List.of(), NOW.minusSeconds(60), NOW.plus(Duration.ofDays(90)));
        assertThat(CertificateChecker.dnsNames(cnOnly.certificate())).containsExactly(DOMAIN);
        Issued both = valid(SslTestCertificates.rsa(2048), List.of("www.example.net"));
        assertThat(CertificateChecker.dnsNames(both.certificate())).containsExactly("www.example.net");
    }

    @Test
    void aChainToATrustedRootHasNoWarningAndAWrongOrderOrUnknownRootHasOne() throws Exception {
        Issued root = SslTestCertificates.ca(null, "Test Root");
        Issued intermediate = SslTestCertificates.ca(root, "Test Intermediate");
        Issued leaf = SslTestCertificates.issue(
                intermediate,
                SslTestCertificates.rsa(2048),
                DOMAIN,
                List.of(DOMAIN),
                NOW.minusSeconds(60),
                NOW.plus(Duration.ofDays(90)),
                false);
        CertificateChecker trusting = new CertificateChecker(
                Set.of(new TrustAnchor(root.certificate(), null)), Duration.ofDays(30), 10, Clock.systemUTC());

        String inOrder = intermediate.certificatePem() + root.certificatePem();
        assertThat(codes(check(trusting, body(leaf.certificatePem(), inOrder, leaf.pkcs8KeyPem()))
                        .checked()
                        .warnings()))
                .isEmpty();
        // The same chain pasted as one "full chain" in certificate.
        assertThat(codes(check(
                                trusting,
                                body(leaf.certificatePem() + intermediate.certificatePem(), null, leaf.pkcs8KeyPem()))
                        .checked()
                        .warnings()))
                .isEmpty();

        List<Warning> missing = check(trusting, body(leaf.certificatePem(), null, leaf.pkcs8KeyPem()))
                .checked()
                .warnings();
        assertThat(codes(missing)).containsExactly("CHAIN_INCOMPLETE");

        List<Warning> reversed = check(
                        trusting,
                        body(
                                leaf.certificatePem(),
                                root.certificatePem() + intermediate.certificatePem(),
                                leaf.pkcs8KeyPem()))
                .checked()
                .warnings();
        assertThat(codes(reversed)).containsExactly("CHAIN_INCOMPLETE");
        assertThat(reversed.get(0).message()).contains("out of order");

        assertThat(codes(check(checker, body(leaf.certificatePem(), inOrder, leaf.pkcs8KeyPem()))
                        .checked()
                        .warnings()))
                .containsExactly("CHAIN_INCOMPLETE");
    }

    @Test
    void theJdkTrustStoreIsLoaded() {
        assertThat(SslConfiguration.anchors(null)).hasSizeGreaterThan(50);
    }

    @Test
    void sealedKeysOpenOnlyWithTheSameKeyAndCertificateId() throws Exception {
        byte[] key = new byte[32];
        key[0] = 7;
        SslKeyCipher cipher = new SslKeyCipher(key);
        SslKeyCipher.Sealed a = cipher.seal("secret".getBytes(StandardCharsets.US_ASCII), "cert-1");
        SslKeyCipher.Sealed b = cipher.seal("secret".getBytes(StandardCharsets.US_ASCII), "cert-1");
        assertThat(a.nonce()).hasSize(12).isNotEqualTo(b.nonce());
        assertThat(new String(cipher.open(a, "cert-1"), StandardCharsets.US_ASCII))
                .isEqualTo("secret");
        assertThat(new String(a.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("secret");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cipher.open(a, "cert-2"))
                .isInstanceOf(javax.crypto.AEADBadTagException.class);
        byte[] other = new byte[32];
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SslKeyCipher(other).open(a, "cert-1"))
                .isInstanceOf(javax.crypto.AEADBadTagException.class);
        assertThat(a.keyId()).hasSize(16).isNotEqualTo(new SslKeyCipher(other).keyId());
    }

    private static Issued valid(KeyPair keys, List<String> sans) {
        return SslTestCertificates.selfSigned(
                keys, sans.isEmpty() ? DOMAIN : sans.get(0), sans, NOW.minusSeconds(60), NOW.plus(Duration.ofDays(90)));
    }

    private List<String> errors(JsonNode body) {
        CertificateChecker.Result result = check(checker, body);
        List<String> out = new ArrayList<>();
        for (FieldError e : result.errors()) {
            out.add(e.field() + ":" + e.code());
        }
        if (out.isEmpty()) {
            assertThat(result.checked()).isNotNull();
        } else {
            assertThat(result.checked()).isNull();
        }
        return out;
    }

    /** The certificate in {@code body} read as the route reads it, then checked. */
    private static CertificateChecker.Result check(CertificateChecker checker, JsonNode body) {
        List<FieldError> problems = new ArrayList<>();
        SslCertificateBody read = SslCertificateBody.read(RequestFields.of(body, null, problems));
        return checker.check(DOMAIN, read, problems);
    }

    private static List<String> codes(List<Warning> warnings) {
        return warnings.stream().map(Warning::code).toList();
    }

    static JsonNode body(String certificate, String chain, String key) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("certificate", certificate);
        if (chain != null) {
            body.put("chain", chain);
        }
        body.put("private_key", key);
        return JSON.valueToTree(body);
    }
}
