package io.hostplane.api.system;

import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * The tenant's current callback signing secret, as {@code GET /me} shows it: by id and creation time, never its
 * value (shown once, by {@code POST /callbacks/secret/rotate}). Implemented by the callbacks feature; declared here
 * so that the system package depends on no feature.
 */
public interface CallbackSecrets {

    /** @param createdAt null for the secret derived before secrets were stored (id {@code derived}) */
    record CurrentSecret(String id, Instant createdAt) {}

    Mono<CurrentSecret> currentOf(String tenant);
}
