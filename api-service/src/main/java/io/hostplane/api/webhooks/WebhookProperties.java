package io.hostplane.api.webhooks;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Webhook subscriptions ({@code hostplane.webhooks.*}). URLs pass the callback checks, with the callbacks'
 * allow-list ({@code hostplane.callbacks.allowed-hosts}); a replaced secret keeps signing for {@code
 * hostplane.callbacks.secret-overlap}; attempts time out after {@code hostplane.callbacks.timeout}.
 *
 * @param maxPerTenant the most subscriptions one tenant may have; the next is {@code 409 WEBHOOK_LIMIT}
 * @param maxAttempts attempts per delivery before it is {@code failed} (with the defaults the last comes about two
 *     days after the first)
 * @param firstRetry wait after a delivery's first failed attempt; doubled after each further one, with ±20 % jitter
 * @param maxRetry the longest wait between two attempts of a delivery
 * @param disableAfter a subscription whose deliveries have failed, with none delivered, for this long is disabled
 *     (an audit fact; the reason on {@code GET}); its pending deliveries wait until it is enabled again
 * @param tokenExpiringWithin tokens expiring within this time make a daily {@code token.expiring} event
 *     (certificates: {@code hostplane.ssl.expires-soon})
 * @param noticeCheckInterval how often each replica looks whether today's expiry notices are still to be made
 * @param retention events (and their deliveries and attempts) older than this are deleted by the daily run
 */
@ConfigurationProperties("hostplane.webhooks")
public record WebhookProperties(
        @DefaultValue("20") int maxPerTenant,
        @DefaultValue("16") int maxAttempts,
        @DefaultValue("10s") Duration firstRetry,
        @DefaultValue("12h") Duration maxRetry,
        @DefaultValue("72h") Duration disableAfter,
        @DefaultValue("7d") Duration tokenExpiringWithin,
        @DefaultValue("10m") Duration noticeCheckInterval,
        @DefaultValue("30d") Duration retention) {}
