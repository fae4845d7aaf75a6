package io.hostplane.api.tokens;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * External identity providers whose JWTs the API accepts besides its own {@code hp_} tokens.
 *
 * @param issuers trusted issuers; none by default
 */
@ConfigurationProperties("hostplane.auth.jwt")
public record JwtIssuerProperties(@DefaultValue List<Issuer> issuers) {

    /**
     * @param issuer the exact {@code iss} value
     * @param jwksUri where the issuer publishes its signing keys (JWKS)
     * @param audience required {@code aud} value, if set
     * @param tenantClaim claim holding the Hostplane account id ({@code t_…}) the token acts for
     * @param scopeClaim claim holding the scopes (a space-separated string or a list)
     */
    public record Issuer(
            String issuer,
            String jwksUri,
            String audience,
            @DefaultValue("tenant") String tenantClaim,
            @DefaultValue("scope") String scopeClaim) {}
}
