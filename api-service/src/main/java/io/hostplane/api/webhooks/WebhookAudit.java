package io.hostplane.api.webhooks;

import io.hostplane.api.outbox.Outbox;
import io.hostplane.api.system.ApiEvents;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.WebhookChanged;
import io.hostplane.common.topic.Topics;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The audit facts of subscriptions ({@code io.hostplane.webhook.changed.v1}), written through the outbox in the
 * caller's transaction: the subscription's id and event types, the action and the acting token, never its URL
 * (which may carry a secret in its path) or its secret.
 */
@Component
class WebhookAudit {

    private final Outbox outbox;
    private final EventCodec codec;

    WebhookAudit(Outbox outbox, EventCodec codec) {
        this.outbox = outbox;
        this.codec = codec;
    }

    /** {@code reason} says why the platform disabled it; {@code actorTokenId} and {@code requestId} may be null. */
    Mono<Void> changed(WebhookStore.Stored w, String action, String reason, String actorTokenId, String requestId) {
        return outbox.enqueue(
                Topics.AUDIT,
                w.tenant(),
                codec.event(
                        ApiEvents.SOURCE,
                        EventTypes.WEBHOOK_CHANGED,
                        "webhooks/" + w.id(),
                        w.tenant(),
                        requestId,
                        null,
                        null,
                        new WebhookChanged(w.id().toString(), action, w.events(), reason, actorTokenId)));
    }

    /** Lets the outbox relay publish what was just committed. */
    void wake() {
        outbox.wake();
    }
}
