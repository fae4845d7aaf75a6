package io.hostplane.api.ssl;

import io.hostplane.common.crypto.SealedBox;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Encrypts private keys at rest: AES-256-GCM under {@code hostplane.ssl.encryption-key}, a random 96-bit nonce
 * per key, the certificate id as associated data (a ciphertext copied to another certificate's row does not
 * decrypt). {@link #keyId()} names the key (a hash, not the key) so a worker with another key says so plainly.
 * The worker's {@code SslKeyVault} is the other half; the two must agree on this format.
 */
@Component
class SslKeyCipher {

    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    @Autowired
    SslKeyCipher(SslProperties properties) {
        this(properties.key());
    }

    SslKeyCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
        this.keyId = keyId(key);
    }

    /** What is stored: nonce, ciphertext (with the GCM tag) and the id of the key that sealed it. */
    record Sealed(byte[] nonce, byte[] ciphertext, String keyId) {}

    Sealed seal(byte[] plaintext, String certificateId) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(certificateId.getBytes(StandardCharsets.UTF_8));
            return new Sealed(nonce, cipher.doFinal(plaintext), keyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    byte[] open(Sealed sealed, String certificateId) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
        cipher.updateAAD(certificateId.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(sealed.ciphertext());
    }

    String keyId() {
        return keyId;
    }

    /** The key's id, as {@link SealedBox#keyId} gives it for every sealed value of the platform. */
    static String keyId(byte[] key) {
        return SealedBox.keyId(key);
    }
}
