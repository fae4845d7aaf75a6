package io.hostplane.api.audit;

import io.hostplane.common.audit.Checkpoints;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The checkpoint verify keys the API knows ({@code hostplane.audit.verify-keys}), as {@code GET /api/v1/audit/keys}
 * publishes them and the proof export's header names them, and which one signed the newest checkpoint.
 */
@Component
class AuditKeys {

    /** How long the newest checkpoint's key id is reused: the route is public, so it must not scan per call. */
    static final Duration NEWEST_FOR = Duration.ofSeconds(60);

    /** One key as published: its fingerprint, algorithm, X.509 SubjectPublicKeyInfo as PEM, and whether current. */
    record KeyView(String keyId, String algorithm, String publicKeyPem, boolean current) {}

    private record Key(String keyId, PublicKey publicKey) {}

    private final List<Key> keys;
    private final Mono<Optional<String>> newest;

    AuditKeys(AuditDatabase db, AuditApiProperties properties) {
        this.keys = properties.verifyKeys().stream()
                .map(Checkpoints::publicKey)
                .map(k -> new Key(Checkpoints.keyId(k), k))
                .toList();
        // Without an index on signed_at this reads every checkpoint (one per checkpoint.every offsets of a chain):
        // cheap, and at most once a minute. An unreadable store (not migrated yet) is "no checkpoint".
        this.newest = db.client()
                .sql("select key_id from audit.checkpoints order by signed_at desc limit 1")
                .map((row, meta) -> row.get("key_id", String.class))
                .one()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .onErrorReturn(Optional.empty())
                .cache(NEWEST_FOR);
    }

    /** The key ids, in the configured order. */
    List<String> ids() {
        return keys.stream().map(Key::keyId).toList();
    }

    /**
     * Every key; {@code current} is the one whose id signed the newest checkpoint, or the first listed when the
     * store has none (or names a key the API does not list).
     */
    Mono<List<KeyView>> views() {
        return newest.map(id -> {
            String current = id.filter(
                            i -> keys.stream().anyMatch(k -> k.keyId().equals(i)))
                    .orElse(keys.isEmpty() ? null : keys.get(0).keyId());
            return keys.stream()
                    .map(k -> new KeyView(
                            k.keyId(), "Ed25519", pem(k.publicKey()), k.keyId().equals(current)))
                    .toList();
        });
    }

    static String pem(PublicKey key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
    }
}
