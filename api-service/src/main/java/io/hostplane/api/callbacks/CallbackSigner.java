package io.hostplane.api.callbacks;

import io.hostplane.api.system.CallbackSecrets;
import io.hostplane.api.system.Hmac;
import io.hostplane.api.system.ShortLivedCache;
import io.hostplane.api.system.security.TokenProperties;
import io.hostplane.common.crypto.SealedBox;
import io.hostplane.common.id.Ids;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Signs callback bodies with the tenant's secrets ({@code hpcs_…}), so that one tenant cannot forge callbacks to
 * another. Header: {@code Hostplane-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256 of "t.body">}, with one
 * {@code v1} per secret in force: the current one first, then those a rotation replaced less than {@code
 * hostplane.callbacks.secret-overlap} ago, so that a receiver moves to a new secret without missing a callback.
 *
 * <p>Secrets are stored sealed ({@link CallbackSecretStore}) and shown once, by the rotation that makes them. A
 * tenant that never rotated signs with the secret derived from {@code hostplane.callbacks.signing-key} and its id
 * (what {@code GET /me} showed before secrets were stored); its first rotation keeps that one in force through the
 * overlap. Each replica keeps the secrets in force for 5 s, so a rotation reaches the others' callbacks within that.
 */
@Component
public class CallbackSigner implements CallbackSecrets {

    public static final String HEADER = "Hostplane-Signature";

    /** The id the derived secret of a tenant that never rotated goes by. */
    static final String DERIVED = "derived";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A secret in force; {@code toString} never shows its value. */
    record Secret(String id, String value, Instant createdAt) {
        @Override
        public String toString() {
            return "Secret[id=" + id + ", createdAt=" + createdAt + "]";
        }
    }

    /** A new current secret, shown once; the ones before it sign until {@code previousValidUntil}. */
    public record Rotated(String id, String secret, Instant createdAt, Instant previousValidUntil) {
        @Override
        public String toString() {
            return "Rotated[id=" + id + "]";
        }
    }

    private final byte[] key;
    private final CallbackSecretStore store;
    private final SealedBox box;
    private final Duration overlap;
    private final ShortLivedCache<String, List<Secret>> inForce = new ShortLivedCache<>(Duration.ofSeconds(5), 100_000);

    CallbackSigner(CallbackProperties properties, TokenProperties tokens, CallbackSecretStore store, SealedBox box) {
        String base = properties.signingKey().isBlank() ? "pepper|" + tokens.pepper() : properties.signingKey();
        this.key = mac(base.getBytes(StandardCharsets.UTF_8), "hostplane-callbacks");
        this.store = store;
        this.box = box;
        this.overlap = properties.secretOverlap();
    }

    /** The {@value #HEADER} value for {@code body} sent at {@code unixSeconds}: one {@code v1} per secret in force. */
    public Mono<String> signature(String tenant, long unixSeconds, byte[] body) {
        return signing(tenant)
                .map(secrets -> header(
                        unixSeconds, body, secrets.stream().map(Secret::value).toList()));
    }

    /**
     * A {@value #HEADER} value: {@code t=<unixSeconds>} and one {@code v1} (hex HMAC-SHA-256 of {@code
     * "<unixSeconds>.<body>"}) per secret, in the order given. Webhook deliveries are signed the same way.
     */
    public static String header(long unixSeconds, byte[] body, List<String> secrets) {
        byte[] prefix = (unixSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        StringBuilder header = new StringBuilder("t=").append(unixSeconds);
        for (String secret : secrets) {
            header.append(",v1=")
                    .append(HexFormat.of().formatHex(Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), signed)));
        }
        return header.toString();
    }

    /** The tenant's current secret by id and creation time (null for the derived one): never its value. */
    @Override
    public Mono<CurrentSecret> currentOf(String tenant) {
        return signing(tenant)
                .map(secrets ->
                        new CurrentSecret(secrets.get(0).id(), secrets.get(0).createdAt()));
    }

    /**
     * A new current secret for the tenant, in the caller's transaction; the ones in force so far keep signing for
     * the overlap. This replica signs with the new one at once.
     */
    public Mono<Rotated> rotate(String tenant) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = "hpcs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String id = Ids.prefixed("cs");
        String derivedId = Ids.prefixed("cs");
        return store.rotate(
                        tenant,
                        id,
                        box.seal(secret, context(id)),
                        derivedId,
                        box.seal(derived(tenant), context(derivedId)))
                .map(created -> new Rotated(id, secret, created, created.plus(overlap)));
    }

    /** Forgets what this replica kept of the tenant's secrets (after a rotation committed). */
    public void forget(String tenant) {
        inForce.invalidate(tenant);
    }

    private Mono<List<Secret>> signing(String tenant) {
        return inForce.get(
                tenant,
                t -> store.inForce(t, overlap)
                        .map(this::open)
                        .collectList()
                        .map(secrets -> secrets.isEmpty() ? List.of(new Secret(DERIVED, derived(t), null)) : secrets));
    }

    private Secret open(CallbackSecretStore.Stored stored) {
        try {
            return new Secret(stored.id(), box.openText(stored.sealed(), context(stored.id())), stored.createdAt());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("callback secret " + stored.id()
                    + " does not open with this API's sealing key (hostplane.ssl.encryption-key, key id "
                    + box.keyId() + ")");
        }
    }

    /** The secret a tenant had before secrets were stored: derived from the signing key and the tenant id. */
    String derived(String tenant) {
        return "hpcs_" + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(key, "callback-secret|" + tenant));
    }

    private static String context(String id) {
        return "callback-secret:" + id;
    }

    private static byte[] mac(byte[] key, String text) {
        return Hmac.sha256(key, text.getBytes(StandardCharsets.UTF_8));
    }
}
