package io.hostplane.common.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signed checkpoints of the audit chains. A checkpoint states "the link of {@code (topic, partition)} at
 * {@code offset} has hash {@code hash}", signed with Ed25519 over the UTF-8 bytes of
 *
 * <pre>
 * hostplane.audit.checkpoint.v1 LF topic LF partition LF offset LF hex(hash) LF signed_at LF key_id
 * </pre>
 *
 * ({@code signed_at} in ISO-8601 UTC with microseconds, as PostgreSQL stores it). {@code key_id} is the first
 * 16 hex digits of SHA-256 of the public key's X.509 encoding: a fingerprint, never the key.
 */
public final class Checkpoints {

    private Checkpoints() {}

    public static byte[] signedBytes(
            String topic, int partition, long offset, byte[] hash, Instant signedAt, String keyId) {
        String text = "hostplane.audit.checkpoint.v1\n" + topic + "\n" + partition + "\n" + offset + "\n"
                + HexFormat.of().formatHex(hash) + "\n" + signedAt.truncatedTo(ChronoUnit.MICROS) + "\n" + keyId;
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] sign(PrivateKey key, byte[] bytes) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(bytes);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a checkpoint: " + e.getMessage(), e);
        }
    }

    public static boolean verify(PublicKey key, byte[] bytes, byte[] signatureBytes) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initVerify(key);
            signature.update(bytes);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The key id (fingerprint) of a public key. */
    public static String keyId(PublicKey key) {
        return HexFormat.of().formatHex(ChainLink.sha256(key.getEncoded())).substring(0, 16);
    }

    /** An Ed25519 private key from PKCS#8, as PEM or as bare base64 of the DER. */
    public static PrivateKey privateKey(String pemOrBase64) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der(pemOrBase64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 PKCS#8 private key", e);
        }
    }

    /** An Ed25519 public key from X.509 SubjectPublicKeyInfo, as PEM or as bare base64 of the DER. */
    public static PublicKey publicKey(String pemOrBase64) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der(pemOrBase64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    /** PEM text (any label) or bare base64 → DER bytes. */
    private static byte[] der(String text) {
        StringBuilder base64 = new StringBuilder();
        for (String line : text.strip().split("\\R")) {
            if (!line.startsWith("-----")) {
                base64.append(line.strip());
            }
        }
        return Base64.getDecoder().decode(base64.toString());
    }
}
