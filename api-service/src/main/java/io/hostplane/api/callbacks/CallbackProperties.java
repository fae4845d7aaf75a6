package io.hostplane.api.callbacks;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Completion callbacks ({@code hostplane.callbacks.*}).
 *
 * @param signingKey the key each tenant's signing secret is derived from; empty: derived from the token
 *     pepper. Changing it changes every tenant's secret.
 * @param allowedHosts addresses or CIDR networks a callback may reach although they are loopback, private,
 *     link-local or otherwise internal (refused by default against request forgery); tests allow 127.0.0.1
 * @param maxAttempts deliveries tried before the callback is {@code failed}
 * @param firstRetry wait after the first failed attempt; doubled after each further one, with jitter
 * @param maxRetry the longest wait between attempts
 * @param timeout how long one attempt may take (connect and answer)
 * @param pollInterval how often each replica looks for due deliveries
 * @param secretOverlap how long a callback secret replaced by a rotation keeps signing beside the new one (each
 *     callback then carries one {@code v1} signature per secret), so that receivers move over without a gap
 */
@ConfigurationProperties("hostplane.callbacks")
public record CallbackProperties(
        @DefaultValue("") String signingKey,
        @DefaultValue("") List<String> allowedHosts,
        @DefaultValue("8") int maxAttempts,
        @DefaultValue("2s") Duration firstRetry,
        @DefaultValue("10m") Duration maxRetry,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("24h") Duration secretOverlap) {

    @Override
    public String toString() {
        return "CallbackProperties[signingKey=<hidden>, allowedHosts=" + allowedHosts + ", maxAttempts=" + maxAttempts
                + "]";
    }
}
