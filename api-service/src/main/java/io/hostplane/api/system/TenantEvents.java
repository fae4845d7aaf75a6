package io.hostplane.api.system;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Events a tenant can subscribe to with a webhook ({@code token.revoked}, {@code ssl.expiring}, …), told by the
 * feature where they happen. Implemented by the webhooks feature, so that features raising events know nothing of
 * subscriptions or deliveries.
 */
public interface TenantEvents {

    /**
     * Records that {@code type} happened to {@code tenant}, in the caller's transaction, for every subscription
     * that wants it; nothing when none does. {@code source} names the cause: the same source makes one event, however
     * often it is told. {@code data} holds ids and states, never a secret.
     */
    Mono<Void> publish(String tenant, String type, String source, Map<String, Object> data);
}
