package io.hostplane.api.oauth;

import io.hostplane.api.system.Hmac;
import io.hostplane.api.system.security.TokenProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Sign-ins on the approval page, kept in a signed cookie rather than a server-side session, so that every
 * API replica accepts them: {@code userId.expiresEpochSeconds.signature}, signed with HMAC-SHA-256 under a
 * key derived from the pepper. The cookie names a user, never a password or token. CSRF tokens for the
 * decision form are derived from the cookie and the request id (a synchronizer token no other site can
 * compute).
 */
@Component
class OAuthSessions {

    static final String COOKIE = "hp_oauth_session";

    private final byte[] key;

    OAuthSessions(TokenProperties tokens) {
        this.key = mac(tokens.pepper().getBytes(StandardCharsets.UTF_8), "hostplane-oauth-session-key");
    }

    String issue(String userId, Instant expires) {
        String body = userId + "." + expires.getEpochSecond();
        return body + "." + encode(mac(key, body));
    }

    /** The signed-in user's id, if {@code cookie} is a valid, unexpired session. */
    Optional<String> userOf(String cookie, Instant now) {
        if (cookie == null) {
            return Optional.empty();
        }
        int last = cookie.lastIndexOf('.');
        int first = cookie.indexOf('.');
        if (first <= 0 || last <= first) {
            return Optional.empty();
        }
        String body = cookie.substring(0, last);
        byte[] expected = mac(key, body);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(cookie.substring(last + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return Optional.empty();
        }
        try {
            long expires = Long.parseLong(cookie.substring(first + 1, last));
            return expires > now.getEpochSecond() ? Optional.of(cookie.substring(0, first)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The CSRF token the decision form must carry for this session and request. */
    String csrf(String cookie, String requestId) {
        return encode(mac(key, "csrf|" + cookie + "|" + requestId));
    }

    boolean csrfMatches(String cookie, String requestId, String given) {
        return given != null
                && MessageDigest.isEqual(
                        csrf(cookie, requestId).getBytes(StandardCharsets.US_ASCII),
                        given.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] mac(byte[] key, String text) {
        return Hmac.sha256(key, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
