package io.hostplane.api.ssl;

import java.time.Duration;
import java.util.Base64;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param encryptionKey AES-256 key (base64 of exactly 32 bytes) that encrypts private keys at rest; the
 *     workers need the same key to decrypt them; required, never logged
 * @param trustedRoots optional PEM file of extra root certificates trusted besides the JDK's default trust
 *     store (cacerts) when a chain is checked, e.g. a private CA
 * @param expiresSoon a certificate expiring within this time is installed with the warning {@code EXPIRES_SOON}
 * @param maxChainCertificates most certificates the chain may hold
 */
@ConfigurationProperties("hostplane.ssl")
public record SslProperties(
        String encryptionKey,
        String trustedRoots,
        @DefaultValue("30d") Duration expiresSoon,
        @DefaultValue("10") int maxChainCertificates) {

    public SslProperties {
        key(encryptionKey);
    }

    /** The decoded key; refuses (so the service does not start) a missing, malformed or short key. */
    byte[] key() {
        return key(encryptionKey);
    }

    private static byte[] key(String encoded) {
        String hint =
                "hostplane.ssl.encryption-key (HOSTPLANE_SSL_ENCRYPTION_KEY) must be the base64 of 32 random bytes"
                        + " (e.g. `openssl rand -base64 32`)";
        if (encoded == null || encoded.isBlank()) {
            throw new IllegalStateException(hint + "; it is not set");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(hint + "; it is not base64");
        }
        if (key.length != 32) {
            throw new IllegalStateException(hint + "; it has " + key.length + " bytes");
        }
        return key;
    }

    @Override
    public String toString() {
        return "SslProperties[encryptionKey=<hidden>, trustedRoots=" + trustedRoots + ", expiresSoon=" + expiresSoon
                + ", maxChainCertificates=" + maxChainCertificates + "]";
    }
}
