package io.hostplane.api.tokens;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/tokens}, each member of the type it must be. What the values may be (scopes
 * that exist, an expiry within the maximum lifetime, networks, domains, the caller's ceilings) is
 * {@link TokenService#spec}'s to say.
 *
 * @param tenant the account of the new token, which only the platform operator may name; null for the caller's
 * @param description free text, or null
 * @param scopes the scopes' wire names
 * @param expiresAt when the token expires; null for the default
 * @param allowedCidrs addresses or networks the token is limited to; null to inherit the caller's
 * @param allowedDomains domains the token is limited to; null to inherit the caller's
 * @param rateLimit requests per period; null, with {@code ratePeriodSeconds}, for the default
 * @param ratePeriodSeconds the rate limit's period, in seconds
 * @param callbackUrl where job callbacks go, or null
 */
record NewTokenBody(
        String tenant,
        String description,
        List<String> scopes,
        Instant expiresAt,
        List<String> allowedCidrs,
        List<String> allowedDomains,
        Long rateLimit,
        Long ratePeriodSeconds,
        String callbackUrl) {

    static final String DESCRIPTION = "At most 200 characters of text.";

    /** Binds the body; a 400 naming each member of the wrong type. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static NewTokenBody from(JsonNode body) {
        return RequestFields.bind(body, "The token request is invalid.", NewTokenBody::read);
    }

    private static NewTokenBody read(RequestFields fields) {
        String tenant = fields.text("tenant", ErrorCodes.INVALID, "An account id such as t_….");
        String description = fields.text("description", ErrorCodes.INVALID, DESCRIPTION);
        List<String> scopes = TokenService.strings(fields, "scopes", true);
        Instant expiresAt = instant(fields, "expires_at");
        List<String> cidrs = TokenService.strings(fields, "allowed_cidrs", false);
        List<String> domains = TokenService.strings(fields, "allowed_domains", false);
        Long limit = null;
        Long period = null;
        if (fields.given("rate_limit")) {
            RequestFields rate = fields.at("rate_limit");
            // Whole numbers here; their range is checked with the other values' (TokenService#spec).
            limit = rate.requiredInteger("limit", Long.MIN_VALUE, Long.MAX_VALUE);
            period = rate.requiredInteger("period_seconds", Long.MIN_VALUE, Long.MAX_VALUE);
        }
        String callbackUrl = fields.text("callback_url", ErrorCodes.INVALID, "Must be a string.");
        return new NewTokenBody(tenant, description, scopes, expiresAt, cidrs, domains, limit, period, callbackUrl);
    }

    private static Instant instant(RequestFields fields, String field) {
        String instant = "An ISO-8601 instant, e.g. 2027-01-01T00:00:00Z.";
        String text = fields.text(field, ErrorCodes.INVALID, instant);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            fields.reject(field, ErrorCodes.INVALID, instant);
            return null;
        }
    }
}
