package io.hostplane.api.tokens;

import io.hostplane.api.callbacks.CallbackUrls;
import io.hostplane.api.domains.DomainNames;
import io.hostplane.api.limits.Rate;
import io.hostplane.api.limits.TenantLimitsService;
import io.hostplane.api.outbox.Outbox;
import io.hostplane.api.ratelimit.RateLimitProperties;
import io.hostplane.api.system.ApiEvents;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestFields;
import io.hostplane.api.system.RequestJson;
import io.hostplane.api.system.TenantEvents;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.api.system.security.TokenProperties;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.TokenChanged;
import io.hostplane.common.net.Cidr;
import io.hostplane.common.scope.Scope;
import io.hostplane.common.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Creates, revokes and rotates API tokens. A caller can never hand out more than it has: a tenant token
 * may create tokens only with scopes it holds itself, for its own tenant. Every change is written with its
 * audit fact (via the outbox) in one transaction.
 */
@Service
public class TokenService {

    private final TokenStore tokens;
    private final TokenProperties properties;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final EventCodec codec;
    private final ApiTokenIntrospector introspector;
    private final TenantLimitsService limits;
    private final RateLimitProperties rateLimits;
    private final TenantEvents events;

    TokenService(
            TokenStore tokens,
            TokenProperties properties,
            TransactionalOperator tx,
            Outbox outbox,
            EventCodec codec,
            ApiTokenIntrospector introspector,
            TenantLimitsService limits,
            RateLimitProperties rateLimits,
            TenantEvents events) {
        this.events = events;
        this.limits = limits;
        this.rateLimits = rateLimits;
        this.tokens = tokens;
        this.properties = properties;
        this.tx = tx;
        this.outbox = outbox;
        this.codec = codec;
        this.introspector = introspector;
    }

    /** The rate limit a token without its own {@code rate_limit} gets. */
    public Rate defaultRate() {
        return new Rate(
                rateLimits.defaultLimit(), (int) rateLimits.defaultPeriod().toSeconds());
    }

    /** The rate limit {@code caller} works under: its token's own, or the default. */
    public Rate rateOf(ApiPrincipal caller) {
        return caller.rateLimit() != null && caller.ratePeriodSeconds() != null
                ? new Rate(caller.rateLimit(), caller.ratePeriodSeconds())
                : defaultRate();
    }

    /** What {@code caller} may hand on: its own restrictions and, for a tenant's token, the tenant's ceiling. */
    Mono<TokenCeilings> ceilings(ApiPrincipal caller) {
        if (caller.tenant() == null) {
            return Mono.just(new TokenCeilings(caller, rateOf(caller), null));
        }
        return limits.of(caller.tenant()).map(l -> new TokenCeilings(caller, rateOf(caller), l.tokenRateLimit()));
    }

    /**
     * {@code spec} held to the ceilings of whoever lets it be issued without choosing its limits (the user
     * approving an OAuth app): expiry no later than {@code maxExpires}, the given networks and domains, and a
     * rate limit within {@code rateCeiling} (null: none) and the tenant's {@code token_rate_limit}.
     */
    public Mono<TokenStore.TokenSpec> bounded(
            TokenStore.TokenSpec spec, Instant maxExpires, List<String> cidrs, List<String> domains, Rate rateCeiling) {
        return limits.of(spec.tenant()).map(tenantLimits -> {
            Rate ceiling = rateCeiling == null
                    ? tenantLimits.tokenRateLimit()
                    : rateCeiling.meet(tenantLimits.tokenRateLimit());
            Rate wanted = spec.rateLimit() != null && spec.ratePeriodSeconds() != null
                    ? new Rate(spec.rateLimit(), spec.ratePeriodSeconds())
                    : defaultRate();
            Rate rate = wanted.within(ceiling) ? wanted : wanted.meet(ceiling);
            boolean asWanted = rate.equals(wanted);
            Instant expires = maxExpires != null
                            && (spec.expiresAt() == null || spec.expiresAt().isAfter(maxExpires))
                    ? maxExpires
                    : spec.expiresAt();
            return new TokenStore.TokenSpec(
                    spec.tenant(),
                    spec.principal(),
                    spec.description(),
                    spec.scopes(),
                    expires,
                    cidrs,
                    domains,
                    asWanted ? spec.rateLimit() : Integer.valueOf(rate.limit()),
                    asWanted ? spec.ratePeriodSeconds() : Integer.valueOf(rate.periodSeconds()),
                    spec.callbackUrl());
        });
    }

    /**
     * Validates a {@code POST /tokens} body into a spec for {@code caller}; every problem is reported (400), then
     * every field above the caller's {@code ceilings} (403). Restrictions the body leaves out are inherited from
     * the caller when it has them (a token limited to some networks makes tokens limited to them).
     */
    TokenStore.TokenSpec spec(NewTokenBody body, ApiPrincipal caller, String tenantOfNewToken, TokenCeilings ceilings) {
        List<FieldError> errors = new ArrayList<>();
        String description = body.description();
        if (description != null && description.length() > 200) {
            errors.add(new FieldError("description", ErrorCodes.INVALID, NewTokenBody.DESCRIPTION));
            description = null;
        }
        List<String> scopes = body.scopes();
        if (scopes != null) {
            int before = errors.size();
            Set<Scope> granted = scopes(scopes, tenantOfNewToken != null, errors);
            // A scope no tenant may hold is a 400 naming it, whoever asks; otherwise more than the caller has is a 403.
            if (errors.size() == before
                    && !caller.isOperator()
                    && !caller.scopes().containsAll(granted)) {
                throw ApiException.forbidden("A token cannot grant scopes it does not hold.");
            }
        }
        Instant now = Instant.now();
        Instant latest = now.plus(properties.maxLifetime());
        Instant expires = latest;
        if (body.expiresAt() != null) {
            expires = body.expiresAt();
            if (!expires.isAfter(now)) {
                errors.add(new FieldError("expires_at", ErrorCodes.TOO_SMALL, "Must be in the future."));
            } else if (expires.isAfter(latest)) {
                errors.add(new FieldError(
                        "expires_at",
                        ErrorCodes.TOO_LARGE,
                        "Tokens live at most " + properties.maxLifetime().toDays() + " days."));
            }
        }
        List<String> cidrs = body.allowedCidrs();
        if (cidrs != null) {
            for (int i = 0; i < cidrs.size(); i++) {
                if (Cidr.parse(cidrs.get(i)).isEmpty()) {
                    errors.add(new FieldError(
                            "allowed_cidrs[" + i + "]", ErrorCodes.INVALID, "Not an address or CIDR network."));
                }
            }
        }
        List<String> domains = body.allowedDomains();
        List<String> normalised = new ArrayList<>();
        if (domains != null) {
            for (int i = 0; i < domains.size(); i++) {
                var name = DomainNames.normalise(domains.get(i));
                if (name.isEmpty()) {
                    errors.add(new FieldError("allowed_domains[" + i + "]", ErrorCodes.INVALID, "Not a domain name."));
                } else {
                    normalised.add(name.get());
                }
            }
        }
        Integer limit = null;
        Integer period = null;
        if (body.rateLimit() != null) {
            Long l = RequestJson.within(body.rateLimit(), "rate_limit.limit", 1, 1_000_000, errors);
            Long p = RequestJson.within(body.ratePeriodSeconds(), "rate_limit.period_seconds", 1, 86_400, errors);
            limit = l == null ? null : l.intValue();
            period = p == null ? null : p.intValue();
        }
        String callbackUrl = body.callbackUrl();
        if (callbackUrl != null) {
            String problem = CallbackUrls.shapeProblem(callbackUrl);
            if (problem != null) {
                errors.add(new FieldError("callback_url", ErrorCodes.INVALID, problem));
                callbackUrl = null;
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("The token request is invalid.", errors);
        }
        List<FieldError> over = new ArrayList<>();
        if (limit != null) {
            String problem = ceilings.rateProblem(new Rate(limit, period));
            if (problem != null) {
                over.add(new FieldError("rate_limit", ErrorCodes.TOO_LARGE, problem));
            }
        } else {
            Rate inherited = ceilings.inheritedRate(defaultRate());
            if (inherited != null) {
                limit = inherited.limit();
                period = inherited.periodSeconds();
            }
        }
        if (body.expiresAt() != null) {
            String problem = ceilings.expiryProblem(expires);
            if (problem != null) {
                over.add(new FieldError("expires_at", ErrorCodes.TOO_LARGE, problem));
            }
        } else if (caller.expiresAt() != null && caller.expiresAt().isBefore(expires)) {
            expires = caller.expiresAt();
        }
        if (cidrs == null) {
            cidrs = ceilings.callerCidrs();
        } else if (cidrs.isEmpty() && !ceilings.callerCidrs().isEmpty()) {
            over.add(new FieldError(
                    "allowed_cidrs",
                    ErrorCodes.TOO_LARGE,
                    "The creating token is limited to " + ceilings.callerCidrs() + "; so is every token it makes."));
        } else {
            for (int i = 0; i < cidrs.size(); i++) {
                if (!ceilings.coversCidr(cidrs.get(i))) {
                    over.add(new FieldError(
                            "allowed_cidrs[" + i + "]",
                            ErrorCodes.TOO_LARGE,
                            "Outside the creating token's allowed_cidrs " + ceilings.callerCidrs() + "."));
                }
            }
        }
        if (domains == null) {
            normalised = new ArrayList<>(ceilings.callerDomains());
        } else if (domains.isEmpty() && !ceilings.callerDomains().isEmpty()) {
            over.add(new FieldError(
                    "allowed_domains",
                    ErrorCodes.TOO_LARGE,
                    "The creating token is limited to " + ceilings.callerDomains() + "; so is every token it makes."));
        } else {
            for (int i = 0; i < normalised.size(); i++) {
                if (!ceilings.coversDomain(normalised.get(i))) {
                    over.add(new FieldError(
                            "allowed_domains[" + i + "]",
                            ErrorCodes.TOO_LARGE,
                            "Outside the creating token's allowed_domains " + ceilings.callerDomains() + "."));
                }
            }
        }
        if (!over.isEmpty()) {
            throw TokenCeilings.refused("The token", over);
        }
        return new TokenStore.TokenSpec(
                tenantOfNewToken,
                caller.principal(),
                description,
                scopes,
                expires,
                cidrs,
                normalised,
                limit,
                period,
                callbackUrl);
    }

    Mono<TokenStore.IssuedToken> create(TokenStore.TokenSpec spec, ApiPrincipal caller, String requestId) {
        return tx.transactional(tokens.issue(spec)
                        .flatMap(issued -> fact(EventTypes.TOKEN_CREATED, issued.stored(), null, caller, requestId)
                                .thenReturn(issued)))
                .doOnSuccess(x -> outbox.wake());
    }

    Mono<TokenStore.StoredToken> revoke(TokenStore.StoredToken token, ApiPrincipal caller, String requestId) {
        return tx.transactional(tokens.revoke(token.id(), Instant.now())
                        .flatMap(revoked -> fact(EventTypes.TOKEN_REVOKED, revoked, null, caller, requestId)
                                .then(revokedNotice(revoked))
                                .thenReturn(revoked)))
                .doOnSuccess(x -> {
                    introspector.evictAll();
                    outbox.wake();
                });
    }

    /** The {@code token.revoked} webhook event of a tenant's token: its id and description, never the token. */
    private Mono<Void> revokedNotice(TokenStore.StoredToken revoked) {
        if (revoked.tenant() == null) {
            return Mono.empty();
        }
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("id", revoked.id());
        token.put("description", revoked.description());
        token.put("revoked_at", revoked.revokedAt());
        return events.publish(
                revoked.tenant(), "token.revoked", "token.revoked:" + revoked.id(), Map.of("token", token));
    }

    /**
     * Issues a successor with the same rights and revokes {@code old} after {@code grace} seconds. A caller
     * rotating another token than itself must hold at least that token's rights (403 naming each field
     * otherwise): rotation hands out a fresh secret, so it must not be a way to more than the caller could
     * create.
     */
    Mono<TokenStore.IssuedToken> rotate(
            TokenStore.StoredToken old, long graceSeconds, ApiPrincipal caller, String requestId) {
        if (old.id().equals(caller.tokenId())) {
            return rotateUnchecked(old, graceSeconds, caller, requestId);
        }
        Rate oldRate = old.rateLimit() != null && old.ratePeriodSeconds() != null
                ? new Rate(old.rateLimit(), old.ratePeriodSeconds())
                : defaultRate();
        return ceilings(caller).flatMap(c -> {
            List<FieldError> over = c.exceededBy(old, oldRate);
            return over.isEmpty()
                    ? rotateUnchecked(old, graceSeconds, caller, requestId)
                    : Mono.error(TokenCeilings.refused("Rotating token " + old.id(), over));
        });
    }

    private Mono<TokenStore.IssuedToken> rotateUnchecked(
            TokenStore.StoredToken old, long graceSeconds, ApiPrincipal caller, String requestId) {
        Instant now = Instant.now();
        TokenStore.TokenSpec spec = new TokenStore.TokenSpec(
                old.tenant(),
                old.principal(),
                old.description(),
                old.scopes(),
                old.expiresAt() != null ? old.expiresAt() : now.plus(properties.maxLifetime()),
                old.allowedCidrs(),
                old.allowedDomains(),
                old.rateLimit(),
                old.ratePeriodSeconds(),
                old.callbackUrl());
        return tx.transactional(tokens.issue(spec, old.id())
                        .flatMap(issued -> tokens.revoke(old.id(), now.plusSeconds(graceSeconds))
                                .flatMap(revoked ->
                                        fact(EventTypes.TOKEN_ROTATED, revoked, issued.id(), caller, requestId))
                                .then(fact(EventTypes.TOKEN_CREATED, issued.stored(), null, caller, requestId))
                                .thenReturn(issued)))
                .doOnSuccess(x -> {
                    introspector.evictAll();
                    outbox.wake();
                });
    }

    /**
     * Forgets this replica's cached token lookups, so that a revocation made here holds here at once (other
     * replicas' caches expire within {@code hostplane.tokens.cache-ttl}).
     */
    public void forgetCachedLookups() {
        introspector.evictAll();
    }

    private Mono<Void> fact(
            String type, TokenStore.StoredToken t, String replacedBy, ApiPrincipal caller, String requestId) {
        TokenChanged data = new TokenChanged(
                t.id(),
                t.hint(),
                t.tenant(),
                t.principal(),
                t.scopes(),
                t.expiresAt(),
                t.revokedAt(),
                replacedBy,
                caller.tokenId());
        var event = codec.event(ApiEvents.SOURCE, type, "tokens/" + t.id(), t.tenant(), requestId, null, null, data);
        return outbox.enqueue(Topics.AUDIT, t.tenant() == null ? "platform" : t.tenant(), event);
    }

    /**
     * The scopes named by {@code names} (wire names or {@code *}), noting unknown names and, for a tenant's
     * token or user, operator-only scopes ({@link Scope#isOperatorOnly()}) in {@code errors}.
     */
    public static Set<Scope> scopes(List<String> names, boolean forTenant, List<FieldError> errors) {
        if (names.isEmpty()) {
            errors.add(new FieldError("scopes", ErrorCodes.REQUIRED, "At least one scope is required."));
        }
        Set<Scope> granted = EnumSet.noneOf(Scope.class);
        for (int i = 0; i < names.size(); i++) {
            String s = names.get(i);
            if (!Scope.ALL.equals(s) && Scope.fromWireName(s).isEmpty()) {
                errors.add(new FieldError("scopes[" + i + "]", ErrorCodes.INVALID, "Unknown scope " + s + "."));
            } else {
                granted.addAll(Scope.expand(s));
            }
        }
        if (forTenant) {
            for (int i = 0; i < names.size(); i++) {
                var named = Scope.fromWireName(names.get(i));
                if (named.isPresent() && named.get().isOperatorOnly()) {
                    errors.add(new FieldError(
                            "scopes[" + i + "]",
                            ErrorCodes.INVALID,
                            names.get(i) + " is an operator-only scope, only for tokens without a tenant."));
                }
            }
        }
        return granted;
    }

    /**
     * Member {@code field} as a list of strings, or null; each problem reported as the bodies that take scopes
     * report it ({@code scopes} REQUIRED, not a list, {@code scopes[2]} not a string).
     */
    public static List<String> strings(RequestFields fields, String field, boolean required) {
        if (required && !fields.given(field)) {
            fields.reject(field, ErrorCodes.REQUIRED, field + " is required.");
            return null;
        }
        return fields.texts(field, ErrorCodes.INVALID, field + " must be a list of strings.", "Must be a string.");
    }
}
