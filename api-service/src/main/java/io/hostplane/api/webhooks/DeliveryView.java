package io.hostplane.api.webhooks;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One delivery of an event to a subscription, with every attempt: when, how long, the answer's status code, why it
 * failed, and the answer's first bytes ({@value DeliveryDispatcher#EXCERPT_BYTES} at most).
 */
record DeliveryView(
        String id,
        String webhookId,
        String eventId,
        String eventType,
        String redeliveryOf,
        String state,
        int attempts,
        Instant nextAttemptAt,
        Instant createdAt,
        Instant finishedAt,
        List<AttemptView> attemptHistory) {

    record AttemptView(
            int attempt, Instant at, Integer statusCode, String error, int durationMs, String responseExcerpt) {}

    static DeliveryView of(UUID webhookId, WebhookStore.Delivery d, List<WebhookStore.Attempt> attempts) {
        return new DeliveryView(
                d.id().toString(),
                webhookId.toString(),
                d.eventId().toString(),
                d.eventType(),
                d.redeliveryOf() == null ? null : d.redeliveryOf().toString(),
                d.state(),
                d.attempts(),
                d.state().equals("pending") ? d.nextAttemptAt() : null,
                d.createdAt(),
                d.finishedAt(),
                attempts.stream()
                        .map(a -> new AttemptView(
                                a.attempt(), a.at(), a.statusCode(), a.error(), a.durationMs(), a.responseExcerpt()))
                        .toList());
    }
}
