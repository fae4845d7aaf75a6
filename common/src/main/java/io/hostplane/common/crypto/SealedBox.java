package io.hostplane.common.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a secret at rest with AES-256-GCM under the platform's sealing key ({@code hostplane.ssl.encryption-key},
 * named after its first use): a random 96-bit nonce per seal, and a context string (for example {@code
 * audit-stream:<id>:token}) as associated data, so a ciphertext copied into another row or field does not open.
 * The sealed form is {@code nonce ‖ ciphertext-with-tag}. {@link #keyId()} names the key without revealing it
 * (the same id the SSL key store shows for the same key), so a service holding another key can say so plainly.
 */
public final class SealedBox {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    /** @param key exactly 32 bytes */
    public SealedBox(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("the sealing key must be 32 bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
        this.keyId = keyId(key);
    }

    /** A box for the base64 text of a 32-byte key, as the settings carry it. */
    public static SealedBox fromBase64(String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64 == null ? "" : base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the sealing key must be the base64 of 32 random bytes", e);
        }
        return new SealedBox(raw);
    }

    public byte[] seal(byte[] plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, context);
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public byte[] seal(String plaintext, String context) {
        return seal(plaintext.getBytes(StandardCharsets.UTF_8), context);
    }

    /** The plaintext; throws when the box was sealed under another key or context, or was altered. */
    public byte[] open(byte[] sealed, String context) throws GeneralSecurityException {
        if (sealed == null || sealed.length <= NONCE_BYTES) {
            throw new GeneralSecurityException("not a sealed value");
        }
        Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, NONCE_BYTES), context);
        return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    }

    public String openText(byte[] sealed, String context) throws GeneralSecurityException {
        return new String(open(sealed, context), StandardCharsets.UTF_8);
    }

    public String keyId() {
        return keyId;
    }

    private Cipher cipher(int mode, byte[] nonce, String context) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    /** First 16 hex digits of SHA-256("hostplane-ssl-key-id" ‖ key): identifies the key without revealing it. */
    public static String keyId(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("hostplane-ssl-key-id".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha.digest(key)).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
