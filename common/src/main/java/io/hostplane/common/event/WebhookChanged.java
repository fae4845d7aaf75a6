package io.hostplane.common.event;

import java.util.List;

/**
 * A webhook subscription changed: {@code action} is {@code created}, {@code updated}, {@code deleted},
 * {@code secret_rotated}, {@code enabled} or {@code disabled} ({@code reason} says why when the platform disabled
 * it after failing deliveries). Names the subscription by id and its event types, never its URL (which may carry
 * a secret in its path) or its secret.
 */
public record WebhookChanged(
        String webhookId, String action, List<String> events, String reason, String actorTokenId) {}
