package io.hostplane.api.webhooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A subscription as the API shows it: never its secret, which only the creation and a rotation answer carry
 * ({@code secret}, null otherwise and then left out).
 */
record WebhookView(
        String id,
        String url,
        List<String> events,
        String description,
        String status,
        String disabledReason,
        Instant disabledAt,
        Instant failingSince,
        String secretId,
        Instant secretCreatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String secret,
        Instant createdAt,
        Instant updatedAt) {

    static WebhookView of(WebhookStore.Stored s, WebhookStore.CurrentSecret current, String secret) {
        return new WebhookView(
                s.id().toString(),
                s.url(),
                s.events(),
                s.description(),
                s.status(),
                s.disabledReason(),
                s.disabledAt(),
                s.failingSince(),
                current == null ? null : current.id(),
                current == null ? null : current.createdAt(),
                secret,
                s.createdAt(),
                s.updatedAt());
    }

    @Override
    public String toString() {
        return "WebhookView[id=" + id + ", events=" + events + ", status=" + status + "]";
    }
}
