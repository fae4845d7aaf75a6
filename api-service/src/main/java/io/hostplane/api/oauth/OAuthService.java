package io.hostplane.api.oauth;

import io.hostplane.api.accounts.AccountStore;
import io.hostplane.api.limits.Rate;
import io.hostplane.api.outbox.Outbox;
import io.hostplane.api.system.ApiEvents;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.api.system.security.TokenProperties;
import io.hostplane.api.tokens.TokenHasher;
import io.hostplane.api.tokens.TokenService;
import io.hostplane.api.tokens.TokenStore;
import io.hostplane.api.users.UserStore;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.OAuthChanged;
import io.hostplane.common.id.Ids;
import io.hostplane.common.scope.Scope;
import io.hostplane.common.topic.Topics;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The OAuth device authorization flow: an app asks for scopes, a user of a tenant approves or denies on the
 * approval page, the app collects its token by polling with its verify token. Tokens issued this way are
 * ordinary Hostplane tokens of kind {@code oauth}: they expire, can be refreshed (the old one stops working)
 * and revoked. Every decision and every token change is an audit fact, written in the same transaction.
 */
@Service
class OAuthService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final OAuthRequestStore requests;
    private final OAuthProperties properties;
    private final TokenProperties tokenProperties;
    private final TokenStore tokens;
    private final TokenService tokenService;
    private final TokenHasher hasher;
    private final UserStore users;
    private final AccountStore accounts;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final EventCodec codec;

    OAuthService(
            OAuthRequestStore requests,
            OAuthProperties properties,
            TokenProperties tokenProperties,
            TokenStore tokens,
            TokenService tokenService,
            TokenHasher hasher,
            UserStore users,
            AccountStore accounts,
            TransactionalOperator tx,
            Outbox outbox,
            EventCodec codec) {
        this.requests = requests;
        this.properties = properties;
        this.tokenProperties = tokenProperties;
        this.tokens = tokens;
        this.tokenService = tokenService;
        this.hasher = hasher;
        this.users = users;
        this.accounts = accounts;
        this.tx = tx;
        this.outbox = outbox;
        this.codec = codec;
    }

    /** A new request and the verify token, which exists only here and in the app's response. */
    record Created(OAuthRequestStore.OAuthRequest request, String verifyToken) {}

    /** What a poll tells the app; {@code token} is set once, on the poll that collects it. */
    record PollResult(
            String status, OAuthRequestStore.OAuthRequest request, String token, Instant tokenExpire, String cname) {}

    /** A token issued by a refresh. */
    record Refreshed(String id, String token, Instant expiresAt) {}

    Mono<Created> create(OAuthRequestBody body, String clientIp) {
        String appName = body.appName();
        String homepage = body.homepage();
        String returnUrl = body.returnUrl();
        List<String> scopes = body.scopes();
        String verifyToken = "hpv_" + randomText(32);
        Instant expires = Instant.now().plus(properties.requestLifetime());
        return requests.create(
                        Ids.prefixed("oar") + randomText(6),
                        hasher.hash(verifyToken),
                        appName,
                        homepage,
                        returnUrl,
                        List.copyOf(scopes),
                        (int) Math.max(1, properties.pollInterval().toSeconds()),
                        expires,
                        clientIp)
                .map(r -> new Created(r, verifyToken));
    }

    /** One poll by the app: records it, answers {@code slow_down} when too soon, hands out the token once. */
    Mono<PollResult> poll(String verifyToken) {
        if (verifyToken == null || !verifyToken.startsWith("hpv_") || verifyToken.length() > 100) {
            return Mono.error(ApiException.badRequest(
                    "verify_token is missing or malformed.",
                    List.of(new FieldError("verify_token", ErrorCodes.INVALID, "The hpv_… token from the request."))));
        }
        return requests.poll(hasher.hash(verifyToken))
                .switchIfEmpty(Mono.error(ApiException.notFound("No authorization request has this verify_token.")))
                .flatMap(poll -> {
                    OAuthRequestStore.OAuthRequest r = poll.request();
                    Instant now = Instant.now();
                    if (poll.tooSoon()) {
                        return Mono.just(new PollResult("slow_down", r, null, null, null));
                    }
                    if (r.isExpiredAt(now)) {
                        return Mono.just(new PollResult("expired", r, null, null, null));
                    }
                    if (!r.status().equals("approved") || r.tokenId() != null) {
                        return Mono.just(new PollResult(r.status(), r, null, null, null));
                    }
                    return collect(r);
                });
    }

    /** Issues the approved request's token, once: a second poll racing this one finds it collected. */
    private Mono<PollResult> collect(OAuthRequestStore.OAuthRequest r) {
        Instant expires = tokenExpiry();
        return users.findById(r.userId())
                .flatMap(user -> accounts.findById(r.tenant()).flatMap(account -> {
                    var spec = new TokenStore.TokenSpec(
                            r.tenant(),
                            user.username(),
                            "OAuth: " + r.appName(),
                            r.scopes(),
                            expires,
                            List.of(),
                            List.of(),
                            null,
                            null,
                            null);
                    return heldToUser(spec, user)
                            .flatMap(bounded -> !bounded.expiresAt().isAfter(Instant.now())
                                    ? Mono.just(new PollResult("expired", r, null, null, null))
                                    : issue(r, bounded, account));
                }))
                // The approving user was deleted before the app collected: nothing is issued.
                .switchIfEmpty(Mono.fromSupplier(() -> new PollResult("denied", r, null, null, null)));
    }

    /**
     * An OAuth token never gets more than the user who approved it could give: the restrictions of the token
     * that created the user ({@link UserStore.Restrictions}) and the tenant's {@code token_rate_limit}.
     */
    private Mono<TokenStore.TokenSpec> heldToUser(TokenStore.TokenSpec spec, UserStore.User user) {
        UserStore.Restrictions limits = user.limits();
        Rate rate = limits.rateLimit() == null || limits.ratePeriodSeconds() == null
                ? null
                : new Rate(limits.rateLimit(), limits.ratePeriodSeconds());
        return tokenService.bounded(spec, limits.maxExpiresAt(), limits.allowedCidrs(), limits.allowedDomains(), rate);
    }

    private Mono<PollResult> issue(
            OAuthRequestStore.OAuthRequest r, TokenStore.TokenSpec spec, AccountStore.Account account) {
        return tx.transactional(tokens.issueOAuth(spec, null, new TokenStore.OAuthLink(r.userId(), r.id()))
                        .flatMap(issued -> requests.markCollected(r.id(), issued.id())
                                .flatMap(collected -> collected
                                        ? fact(EventTypes.OAUTH_TOKEN_ISSUED, r, issued.stored(), null)
                                                .thenReturn(issued)
                                        : Mono.error(new AlreadyCollected()))))
                .doOnSuccess(x -> outbox.wake())
                .map(issued -> new PollResult(
                        "approved", r, issued.token(), issued.stored().expiresAt(), account.name()))
                .onErrorResume(AlreadyCollected.class, e -> Mono.just(new PollResult("approved", r, null, null, null)));
    }

    /** Thrown inside the collecting transaction to roll it back when another poll won. */
    private static final class AlreadyCollected extends RuntimeException {
        AlreadyCollected() {
            super("already collected", null, false, false);
        }
    }

    /** Whether {@code user} may grant what {@code r} asks for; the scopes it cannot grant otherwise. */
    static List<String> ungrantable(OAuthRequestStore.OAuthRequest r, UserStore.User user) {
        Set<Scope> held = ApiPrincipal.effectiveScopes(user.tenant(), user.scopes());
        List<String> missing = new ArrayList<>();
        for (String s : r.scopes()) {
            if (!held.containsAll(Scope.expand(s))) {
                missing.add(s);
            }
        }
        return missing;
    }

    /** Records the user's decision; false when the request was no longer pending (decided or expired). */
    Mono<Boolean> decide(OAuthRequestStore.OAuthRequest r, UserStore.User user, boolean approve, String clientIp) {
        String status = approve ? "approved" : "denied";
        return tx.transactional(requests.decide(r.id(), status, user.id(), user.tenant())
                        .flatMap(done ->
                                done ? decisionFact(approve, r, user, clientIp).thenReturn(true) : Mono.just(false)))
                .doOnSuccess(x -> outbox.wake());
    }

    /** Replaces the calling OAuth token with a new one (new expiry); the old one stops working at once. */
    Mono<Refreshed> refresh(ApiPrincipal caller, String requestId) {
        // A refreshed token still never outlives the token that created its approving user.
        return oauthToken(caller)
                .zipWhen(found -> users.findById(found.link().userId())
                        .map(u -> Optional.ofNullable(u.limits().maxExpiresAt()))
                        .defaultIfEmpty(Optional.empty()))
                .flatMap(foundAndCap -> {
                    Found found = foundAndCap.getT1();
                    Instant expires = tokenExpiry();
                    Instant cap = foundAndCap.getT2().orElse(null);
                    if (cap != null && cap.isBefore(expires)) {
                        if (!cap.isAfter(Instant.now())) {
                            return Mono.error(ApiException.forbidden(
                                    "This token cannot be refreshed: the approving user's grant has expired."));
                        }
                        expires = cap;
                    }
                    TokenStore.StoredToken old = found.token();
                    var spec = new TokenStore.TokenSpec(
                            old.tenant(),
                            old.principal(),
                            old.description(),
                            old.scopes(),
                            expires,
                            old.allowedCidrs(),
                            old.allowedDomains(),
                            old.rateLimit(),
                            old.ratePeriodSeconds(),
                            old.callbackUrl());
                    return tx.transactional(tokens.issueOAuth(spec, old.id(), found.link())
                                    .flatMap(issued -> tokens.revoke(old.id(), Instant.now())
                                            .then(tokenFact(
                                                    EventTypes.OAUTH_TOKEN_REFRESHED,
                                                    found,
                                                    issued.stored(),
                                                    old.id(),
                                                    requestId))
                                            .thenReturn(issued)))
                            .doOnSuccess(x -> {
                                tokenService.forgetCachedLookups();
                                outbox.wake();
                            })
                            .map(issued -> new Refreshed(
                                    issued.id(), issued.token(), issued.stored().expiresAt()));
                });
    }

    /** Revokes the calling OAuth token. */
    Mono<TokenStore.StoredToken> revoke(ApiPrincipal caller, String requestId) {
        return oauthToken(caller)
                .flatMap(found -> tx.transactional(tokens.revoke(found.token().id(), Instant.now())
                                .flatMap(revoked -> tokenFact(
                                                EventTypes.OAUTH_TOKEN_REVOKED, found, revoked, null, requestId)
                                        .thenReturn(revoked)))
                        .doOnSuccess(x -> {
                            tokenService.forgetCachedLookups();
                            outbox.wake();
                        }));
    }

    private record Found(TokenStore.StoredToken token, TokenStore.OAuthLink link) {}

    private Mono<Found> oauthToken(ApiPrincipal caller) {
        return tokens.oauthLink(caller.tokenId())
                .switchIfEmpty(Mono.error(new ApiException(
                        HttpStatus.FORBIDDEN,
                        "Only tokens issued through OAuth are refreshed or revoked here; manage API tokens under /tokens.",
                        List.of(),
                        null)))
                .flatMap(link -> tokens.findById(caller.tokenId()).map(t -> new Found(t, link)));
    }

    private Instant tokenExpiry() {
        var lifetime = properties.tokenLifetime().compareTo(tokenProperties.maxLifetime()) < 0
                ? properties.tokenLifetime()
                : tokenProperties.maxLifetime();
        return Instant.now().plus(lifetime);
    }

    private Mono<Void> decisionFact(
            boolean approve, OAuthRequestStore.OAuthRequest r, UserStore.User user, String clientIp) {
        var data = new OAuthChanged(
                r.id(), r.appName(), user.tenant(), user.id(), r.scopes(), null, null, null, null, clientIp);
        String type = approve ? EventTypes.OAUTH_REQUEST_APPROVED : EventTypes.OAUTH_REQUEST_DENIED;
        return publish(type, "oauth/requests/" + r.id(), user.tenant(), null, data);
    }

    private Mono<Void> fact(
            String type, OAuthRequestStore.OAuthRequest r, TokenStore.StoredToken token, String requestId) {
        var data = new OAuthChanged(
                r.id(),
                r.appName(),
                token.tenant(),
                r.userId(),
                token.scopes(),
                token.id(),
                token.hint(),
                null,
                token.expiresAt(),
                null);
        return publish(type, "tokens/" + token.id(), token.tenant(), requestId, data);
    }

    private Mono<Void> tokenFact(
            String type, Found found, TokenStore.StoredToken token, String previous, String requestId) {
        var data = new OAuthChanged(
                found.link().requestId(),
                null,
                token.tenant(),
                found.link().userId(),
                token.scopes(),
                token.id(),
                token.hint(),
                previous,
                token.expiresAt(),
                null);
        return publish(type, "tokens/" + token.id(), token.tenant(), requestId, data);
    }

    private Mono<Void> publish(String type, String subject, String tenant, String requestId, OAuthChanged data) {
        var event = codec.event(ApiEvents.SOURCE, type, subject, tenant, requestId, null, null, data);
        return outbox.enqueue(Topics.AUDIT, tenant, event);
    }

    private static String randomText(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
