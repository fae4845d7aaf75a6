package io.hostplane.api.tokens;

import io.hostplane.api.accounts.AccountStore;
import io.hostplane.api.callbacks.CallbackUrls;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/tokens}: create (the plain token is shown once), list, read, revoke, rotate. A tenant's
 * token sees its own tenant's tokens; the platform operator sees all and can create tokens for any tenant.
 */
@RestController
@RequestMapping("/api/v1/tokens")
class TokenController {

    private final TokenStore tokens;
    private final TokenService service;
    private final AccountStore accounts;

    private final CallbackUrls urls;
    private final Cursors cursors;

    TokenController(
            TokenStore tokens, TokenService service, AccountStore accounts, CallbackUrls urls, Cursors cursors) {
        this.urls = urls;
        this.cursors = cursors;
        this.tokens = tokens;
        this.service = service;
        this.accounts = accounts;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(
            @RequestBody NewTokenBody body, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return tenantOfNewToken(body, caller)
                .zipWith(service.ceilings(caller))
                .flatMap(found -> {
                    String tenant = found.getT1();
                    TokenStore.TokenSpec spec =
                            service.spec(body, caller, tenant.isEmpty() ? null : tenant, found.getT2());
                    Mono<String> refused = spec.callbackUrl() == null ? Mono.empty() : urls.problem(spec.callbackUrl());
                    return refused.<TokenStore.IssuedToken>flatMap(problem -> Mono.error(ApiException.badRequest(
                                    "The callback URL is refused: " + problem,
                                    List.of(new FieldError("callback_url", ErrorCodes.INVALID, problem)))))
                            .switchIfEmpty(Mono.defer(() -> service.create(spec, caller, RequestIds.of(exchange))));
                })
                .map(issued -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create("/api/v1/tokens/" + issued.id()))
                        .body(ApiEnvelope.ok(
                                "Token created. It is shown only this once.",
                                TokenView.of(issued.stored(), issued.token(), Instant.now()),
                                List.of(),
                                RequestIds.of(exchange))));
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        Paging.checkLimit(limit);
        Cursors.Query pages = cursors.query("tokens", caller);
        Instant now = Instant.now();
        return tokens.list(caller.isOperator() ? null : caller.tenant(), pages.after(cursor), limit + 1)
                .map(t -> TokenView.of(t, null, now))
                .collectList()
                .map(rows -> Paging.page(rows, limit, t -> pages.next(t.id())))
                .map(page -> Responses.ok(exchange, page.items().size() + " tokens.", page));
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller)
                .map(t -> Responses.ok(exchange, "Token " + t.id() + ".", TokenView.of(t, null, Instant.now())));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> revoke(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller)
                .flatMap(t -> service.revoke(t, caller, RequestIds.of(exchange)))
                .map(t -> Responses.ok(exchange, "Token revoked.", TokenView.of(t, null, Instant.now())));
    }

    @PostMapping(path = "/{id}/rotate", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> rotate(
            @PathVariable String id,
            @RequestBody(required = false) RotateTokenBody body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        long graceSeconds = body == null || body.graceSeconds() == null ? 0 : body.graceSeconds();
        return visible(id, caller)
                .flatMap(old -> {
                    Instant now = Instant.now();
                    if (old.isRevokedAt(now) || old.isExpiredAt(now)) {
                        return Mono.error(ApiException.conflict(
                                "Token " + id + " is " + (old.isRevokedAt(now) ? "revoked" : "expired")
                                        + "; create a new one.",
                                ErrorCodes.TOKEN_INACTIVE));
                    }
                    return service.rotate(old, graceSeconds, caller, RequestIds.of(exchange));
                })
                .map(issued -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create("/api/v1/tokens/" + issued.id()))
                        .body(ApiEnvelope.ok(
                                "Token rotated. The new token is shown only this once.",
                                TokenView.of(issued.stored(), issued.token(), Instant.now()),
                                List.of(),
                                RequestIds.of(exchange))));
    }

    /** The token if the caller may see it; another tenant's token is a 404 like a missing one. */
    private Mono<TokenStore.StoredToken> visible(String id, ApiPrincipal caller) {
        return tokens.findById(id)
                .filter(t -> caller.isOperator()
                        || (caller.tenant() != null && caller.tenant().equals(t.tenant())))
                .switchIfEmpty(Mono.error(ApiException.notFound("No token " + id + ".")));
    }

    /** The tenant of a new token: the caller's, or for the platform operator the optional {@code tenant}. */
    private Mono<String> tenantOfNewToken(NewTokenBody body, ApiPrincipal caller) {
        String tenant = body.tenant();
        if (tenant == null) {
            return Mono.just(caller.tenant() == null ? "" : caller.tenant());
        }
        if (!caller.isOperator()) {
            return Mono.error(ApiException.badRequest(
                    "Only the platform operator may name a tenant.",
                    List.of(new FieldError("tenant", ErrorCodes.INVALID, "Not allowed for a tenant's token."))));
        }
        return accounts.findById(tenant)
                .map(AccountStore.Account::id)
                .switchIfEmpty(Mono.error(ApiException.badRequest(
                        "No such tenant.",
                        List.of(new FieldError("tenant", ErrorCodes.INVALID, "No account " + tenant + ".")))));
    }
}
