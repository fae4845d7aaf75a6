package io.hostplane.api.webhooks;

import io.hostplane.api.callbacks.CallbackProperties;
import io.hostplane.api.callbacks.CallbackSigner;
import io.hostplane.api.system.ShortLivedCache;
import io.hostplane.common.crypto.SealedBox;
import io.hostplane.common.id.Ids;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A subscription's signing secrets ({@code hpws_} + 256 random bits): made here, shown once (at creation and at each
 * rotation), stored sealed under the platform sealing key with the secret's id as associated data, and used to sign
 * deliveries exactly as callbacks are signed ({@link CallbackSigner#header}): one {@code v1} per secret in force,
 * the current one first, then those a rotation replaced less than {@code hostplane.callbacks.secret-overlap} ago.
 * Each replica keeps a subscription's secrets for 5 s, so a rotation reaches the others' deliveries within that.
 */
@Component
class WebhookSecrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new secret: its id, its value (shown once) and the value sealed for storage. */
    record Made(String id, String value, byte[] sealed) {
        @Override
        public String toString() {
            return "Made[id=" + id + "]";
        }
    }

    private final WebhookStore store;
    private final SealedBox box;
    private final Duration overlap;
    private final ShortLivedCache<UUID, List<String>> inForce = new ShortLivedCache<>(Duration.ofSeconds(5), 100_000);

    WebhookSecrets(WebhookStore store, SealedBox box, CallbackProperties callbacks) {
        this.store = store;
        this.box = box;
        this.overlap = callbacks.secretOverlap();
    }

    Duration overlap() {
        return overlap;
    }

    Made make() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String value = "hpws_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String id = Ids.prefixed("whs");
        return new Made(id, value, box.seal(value, context(id)));
    }

    /** The {@code Hostplane-Signature} value for {@code body} sent at {@code unixSeconds}. */
    Mono<String> signature(UUID webhookId, long unixSeconds, byte[] body) {
        return inForce.get(
                        webhookId,
                        id -> store.secretsInForce(id, overlap).map(this::open).collectList())
                .map(secrets -> CallbackSigner.header(unixSeconds, body, secrets));
    }

    /** Forgets what this replica kept of the subscription's secrets (after a rotation committed). */
    void forget(UUID webhookId) {
        inForce.invalidate(webhookId);
    }

    private String open(WebhookStore.Secret secret) {
        try {
            return box.openText(secret.sealed(), context(secret.id()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("webhook secret " + secret.id()
                    + " does not open with this API's sealing key (hostplane.ssl.encryption-key, key id "
                    + box.keyId() + ")");
        }
    }

    private static String context(String id) {
        return "webhook-secret:" + id;
    }
}
