package io.hostplane.api.tokens;

import io.hostplane.api.limits.Rate;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.net.Cidr;
import io.hostplane.common.scope.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;

/**
 * The most a caller may hand on to a token it creates, rotates or lets a user approve: never a scope it does not
 * hold, a later expiry, a network or domain outside its own, or a higher rate limit than its own or than its
 * tenant's {@code token_rate_limit}. The platform operator sets rate limits (it sells them), so its own token's
 * rate limit does not cap the tokens it mints; its other restrictions do.
 *
 * @param caller who creates
 * @param callerRate the caller's own rate limit (its {@code rate_limit}, or the default)
 * @param tenantCeiling the tenant's {@code token_rate_limit}, for a tenant's caller; null for the operator
 */
record TokenCeilings(ApiPrincipal caller, Rate callerRate, Rate tenantCeiling) {

    /** Why {@code wanted} is too high a rate limit for a token of this caller, or null. */
    String rateProblem(Rate wanted) {
        if (caller.isOperator()) {
            return null;
        }
        if (!wanted.within(callerRate)) {
            return "Above the creating token's own rate limit (" + callerRate + ").";
        }
        if (tenantCeiling != null && !wanted.within(tenantCeiling)) {
            return "Above the highest rate limit this account's tokens may grant (" + tenantCeiling + ").";
        }
        return null;
    }

    /** The rate a new token gets when it names none: the default, unless a ceiling is lower. */
    Rate inheritedRate(Rate defaultRate) {
        if (caller.isOperator() || rateProblem(defaultRate) == null) {
            return null;
        }
        Rate inherited = defaultRate.meet(callerRate);
        return tenantCeiling == null ? inherited : inherited.meet(tenantCeiling);
    }

    /** Why a token expiring at {@code wanted} (null: never) outlives this caller, or null. */
    String expiryProblem(Instant wanted) {
        Instant own = caller.expiresAt();
        if (own != null && (wanted == null || wanted.isAfter(own))) {
            return "After the creating token's own expiry (" + own + ").";
        }
        return null;
    }

    /** Whether {@code cidr} lies inside one of the caller's networks (or the caller has none). */
    boolean coversCidr(String cidr) {
        List<String> own = callerCidrs();
        if (own.isEmpty()) {
            return true;
        }
        Optional<Cidr> wanted = Cidr.parse(cidr);
        return wanted.isPresent()
                && own.stream().map(Cidr::parse).flatMap(Optional::stream).anyMatch(c -> c.covers(wanted.get()));
    }

    boolean coversDomain(String domain) {
        return callerDomains().isEmpty() || callerDomains().contains(domain);
    }

    List<String> callerCidrs() {
        return caller.allowedCidrs() == null ? List.of() : caller.allowedCidrs();
    }

    List<String> callerDomains() {
        return caller.allowedDomains() == null ? List.of() : caller.allowedDomains();
    }

    /**
     * The fields of an existing token (for rotation) that exceed this caller's own: a caller may not obtain a
     * fresh secret for more than it could create.
     */
    List<FieldError> exceededBy(TokenStore.StoredToken token, Rate tokenRate) {
        List<FieldError> over = new java.util.ArrayList<>();
        Set<Scope> scopes = ApiPrincipal.effectiveScopes(token.tenant(), token.scopes());
        if (!caller.isOperator() && !caller.scopes().containsAll(scopes)) {
            over.add(new FieldError("scopes", ErrorCodes.TOO_LARGE, "The token has scopes the caller does not hold."));
        }
        String rate = rateProblem(tokenRate);
        if (rate != null) {
            over.add(new FieldError("rate_limit", ErrorCodes.TOO_LARGE, rate));
        }
        String expiry = expiryProblem(token.expiresAt());
        if (expiry != null) {
            over.add(new FieldError("expires_at", ErrorCodes.TOO_LARGE, expiry));
        }
        if (!callerCidrs().isEmpty()
                && (token.allowedCidrs().isEmpty()
                        || !token.allowedCidrs().stream().allMatch(this::coversCidr))) {
            over.add(new FieldError(
                    "allowed_cidrs", ErrorCodes.TOO_LARGE, "Reaches networks outside the caller's allowed_cidrs."));
        }
        if (!callerDomains().isEmpty()
                && (token.allowedDomains().isEmpty()
                        || !token.allowedDomains().stream().allMatch(this::coversDomain))) {
            over.add(new FieldError(
                    "allowed_domains", ErrorCodes.TOO_LARGE, "Reaches domains outside the caller's allowed_domains."));
        }
        return over;
    }

    /** A 403 naming each field that exceeds the caller's ceilings. */
    static ApiException refused(String what, List<FieldError> over) {
        return new ApiException(
                HttpStatus.FORBIDDEN,
                what + " would exceed the caller's own limits: " + over.get(0).field() + ": "
                        + over.get(0).message(),
                over,
                null);
    }
}
