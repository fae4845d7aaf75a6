package io.hostplane.api.webhooks;

import io.hostplane.api.callbacks.CallbackStore;
import io.hostplane.api.jobs.JobEndings;
import io.hostplane.api.system.TenantEvents;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where events become deliveries, in the transaction of what caused them, so that an event exists exactly when its
 * cause committed: a job that ended queues its completion callback and makes its {@code job.*} (and {@code
 * audit.replay.finished}) events; other features publish theirs ({@code token.revoked}, the expiry notices). An
 * event is stored only when a subscription wants it, with one delivery per such subscription.
 */
@Component
class WebhookEvents implements JobEndings, TenantEvents {

    private final WebhookStore store;
    private final CallbackStore callbacks;
    private final JsonMapper json;

    WebhookEvents(WebhookStore store, CallbackStore callbacks, JsonMapper json) {
        this.store = store;
        this.callbacks = callbacks;
        this.json = json;
    }

    @Override
    public Mono<Void> ended(List<UUID> jobIds, List<UUID> withCallback) {
        if (jobIds.isEmpty()) {
            return Mono.empty();
        }
        return callbacks.enqueueIfTerminal(withCallback).then(store.jobsEnded(jobIds));
    }

    @Override
    public Mono<Void> publish(String tenant, String type, String source, Map<String, Object> data) {
        return store.publish(tenant, type, source, json.writeValueAsString(data));
    }
}
