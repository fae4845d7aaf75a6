package io.hostplane.api.callbacks;

import io.hostplane.api.system.CallbackSecrets;
import io.hostplane.api.system.Hmac;
import io.hostplane.api.system.security.TokenProperties;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.springframework.stereotype.Component;

/**
 * Signs callback bodies. Each tenant has its own secret ({@code hpcs_…}, derived from the signing key and
 * the tenant id, shown at {@code GET /api/v1/me} to tokens with {@code jobs.read}), so that one tenant cannot
 * forge callbacks to another. Header: {@code Hostplane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256 of
 * "t.body" under the secret>}; a receiver recomputes it and rejects old timestamps (replays).
 */
@Component
public class CallbackSigner implements CallbackSecrets {

    public static final String HEADER = "Hostplane-Signature";

    private final byte[] key;

    CallbackSigner(CallbackProperties properties, TokenProperties tokens) {
        String base = properties.signingKey().isBlank() ? "pepper|" + tokens.pepper() : properties.signingKey();
        this.key = mac(base.getBytes(StandardCharsets.UTF_8), "hostplane-callbacks");
    }

    /** The tenant's signing secret. */
    @Override
    public String secretOf(String tenant) {
        return "hpcs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(key, "callback-secret|" + tenant));
    }

    /** The {@value #HEADER} value for {@code body} sent at {@code unixSeconds}. */
    public String signature(String tenant, long unixSeconds, byte[] body) {
        byte[] secret = secretOf(tenant).getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (unixSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(Hmac.sha256(secret, signed));
    }

    private static byte[] mac(byte[] key, String text) {
        return Hmac.sha256(key, text.getBytes(StandardCharsets.UTF_8));
    }
}
