package io.hostplane.api.tokens;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * The only form in which a token is stored: HMAC-SHA-256 of the token under the server's pepper (a peppered
 * SHA-256). A 256-bit random token needs no slow hash; the pepper makes a stolen table useless on its own.
 */
@Component
public class TokenHasher {

    private final SecretKeySpec key;

    TokenHasher(TokenProperties properties) {
        this.key = new SecretKeySpec(properties.pepper().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public byte[] hash(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
