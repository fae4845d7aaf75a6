package io.hostplane.worker.ssl;

import io.hostplane.common.crypto.SealedBox;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.worker.system.JobFailure;
import io.hostplane.worker.system.TransientBackendException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The worker's half of the API's {@code SslKeyCipher}: reads a certificate's sealed private key from
 * {@code api.ssl_private_keys} (the one API table the worker reads) and decrypts it with AES-256-GCM under
 * {@code hostplane.ssl.encryption-key}, the certificate id as associated data. The plaintext is handed to the
 * backend and never logged.
 */
class SslKeyVault {

    private final JdbcTemplate jdbc;
    private final SecretKeySpec key;
    private final String keyId;

    SslKeyVault(JdbcTemplate jdbc, String encodedKey) {
        this.jdbc = jdbc;
        byte[] raw = decode(encodedKey);
        this.key = new SecretKeySpec(raw, "AES");
        this.keyId = keyId(raw);
    }

    /** The private key (PKCS#8 PEM) of certificate {@code certificateId}. */
    String privateKey(String certificateId) {
        List<Sealed> rows;
        try {
            rows = jdbc.query(
                    "select nonce, ciphertext, key_id from api.ssl_private_keys where certificate_id = ?::uuid",
                    (rs, i) -> new Sealed(rs.getBytes("nonce"), rs.getBytes("ciphertext"), rs.getString("key_id")),
                    certificateId);
        } catch (DataAccessException e) {
            throw new TransientBackendException("cannot read the sealed key of certificate " + certificateId, e);
        }
        if (rows.isEmpty()) {
            throw new JobFailure(
                    ErrorCodes.SSL_KEY_NOT_FOUND,
                    "The private key of certificate " + certificateId
                            + " is no longer stored (a newer certificate replaced it); upload it again.");
        }
        Sealed sealed = rows.get(0);
        if (!keyId.equals(sealed.keyId())) {
            throw new JobFailure(
                    ErrorCodes.SSL_KEY_UNREADABLE,
                    "The private key of certificate " + certificateId + " was encrypted under key " + sealed.keyId()
                            + ", this worker has key " + keyId + "; configure the same hostplane.ssl.encryption-key.");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed.nonce()));
            cipher.updateAAD(certificateId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new JobFailure(
                    ErrorCodes.SSL_KEY_UNREADABLE,
                    "The private key of certificate " + certificateId + " does not decrypt (tampered?).");
        }
    }

    private record Sealed(byte[] nonce, byte[] ciphertext, String keyId) {}

    static byte[] decode(String encoded) {
        String hint = "hostplane.ssl.encryption-key (HOSTPLANE_SSL_ENCRYPTION_KEY) must be the API's key, the base64"
                + " of 32 bytes";
        if (encoded == null || encoded.isBlank()) {
            throw new IllegalStateException(hint + "; it is not set");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(hint + "; it is not base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException(hint + "; it has " + raw.length + " bytes");
        }
        return raw;
    }

    /** The key's id, as {@link SealedBox#keyId} gives it for every sealed value of the platform. */
    static String keyId(byte[] key) {
        return SealedBox.keyId(key);
    }
}
