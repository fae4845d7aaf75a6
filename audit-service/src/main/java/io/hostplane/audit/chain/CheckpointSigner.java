package io.hostplane.audit.chain;

import io.hostplane.audit.system.AuditProperties;
import io.hostplane.common.audit.Checkpoints;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Signs chain checkpoints with the Ed25519 key {@code hostplane.audit.signing-key}. The key id is the public
 * key's fingerprint (derived from the private key), so verifiers pick the public key by it.
 */
@Component
public class CheckpointSigner {

    private static final Logger log = LoggerFactory.getLogger(CheckpointSigner.class);

    /** A signature and what it signed. */
    public record Signed(Instant signedAt, String keyId, byte[] signature) {}

    private final PrivateKey key;
    private final String keyId;
    private final long every;

    CheckpointSigner(AuditProperties properties) {
        this.every = Math.max(1, properties.checkpoint().every());
        String text = properties.signingKey();
        if (text == null || text.isBlank()) {
            this.key = null;
            this.keyId = null;
            log.warn("hostplane.audit.signing-key is not set: chains are hashed but no checkpoint is signed");
            return;
        }
        this.key = Checkpoints.privateKey(text);
        this.keyId = Checkpoints.keyId(publicKey(key));
        log.info("audit checkpoints every {} offsets, signed with key id {}", every, keyId);
    }

    public boolean enabled() {
        return key != null;
    }

    /**
     * Whether the link at {@code offset} after one at {@code previousOffset} ({@code -1}: none) gets a
     * checkpoint: the first link of each block of {@code every} offsets. Depends only on offsets, so a rebuild
     * checkpoints the same links.
     */
    public boolean due(long previousOffset, long offset) {
        return key != null
                && (previousOffset < 0 || Math.floorDiv(offset, every) > Math.floorDiv(previousOffset, every));
    }

    public Signed sign(String topic, int partition, long offset, byte[] hash) {
        Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        byte[] signature = Checkpoints.sign(key, Checkpoints.signedBytes(topic, partition, offset, hash, at, keyId));
        return new Signed(at, keyId, signature);
    }

    /** The JDK cannot derive an Ed25519 public key from a private one; Bouncy Castle can. */
    static PublicKey publicKey(PrivateKey key) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            byte[] seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
            byte[] raw =
                    new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
            byte[] spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), raw)
                    .getEncoded();
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot derive the public key of the signing key", e);
        }
    }
}
