package io.hostplane.api.tokens;

import io.hostplane.api.system.Hmac;
import io.hostplane.api.system.security.TokenProperties;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;

/**
 * The only form in which a token is stored: HMAC-SHA-256 of the token under the server's pepper (a peppered
 * SHA-256). A 256-bit random token needs no slow hash; the pepper makes a stolen table useless on its own.
 */
@Component
public class TokenHasher {

    private final byte[] key;

    TokenHasher(TokenProperties properties) {
        this.key = properties.pepper().getBytes(StandardCharsets.UTF_8);
    }

    public byte[] hash(String token) {
        return Hmac.sha256(key, token.getBytes(StandardCharsets.UTF_8));
    }
}
