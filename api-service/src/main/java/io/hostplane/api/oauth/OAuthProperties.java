package io.hostplane.api.oauth;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The OAuth device flow's settings ({@code hostplane.oauth.*}).
 *
 * @param requestLifetime how long a request waits for the user (and, once approved, for the app to collect
 *     its token) before it is {@code expired}
 * @param pollInterval the first {@code verify_interval_seconds}; each {@code slow_down} adds 5 s (RFC 8628)
 * @param tokenLifetime lifetime of a token issued or refreshed through the flow
 * @param sessionLifetime how long a sign-in on the approval page lasts
 * @param publicUrl the API's address as users' browsers reach it (e.g. {@code https://api.example.net});
 *     empty: taken from each request's own scheme and host
 */
@ConfigurationProperties("hostplane.oauth")
public record OAuthProperties(
        @DefaultValue("15m") Duration requestLifetime,
        @DefaultValue("5s") Duration pollInterval,
        @DefaultValue("30d") Duration tokenLifetime,
        @DefaultValue("15m") Duration sessionLifetime,
        @DefaultValue("") String publicUrl) {}
