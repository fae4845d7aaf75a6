package io.hostplane.api.users;

import io.hostplane.api.accounts.AccountStore;
import io.hostplane.api.limits.Rate;
import io.hostplane.api.outbox.Outbox;
import io.hostplane.api.system.ApiEvents;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.api.tokens.TokenService;
import io.hostplane.api.tokens.TokenStore;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.UserChanged;
import io.hostplane.common.scope.Scope;
import io.hostplane.common.topic.Topics;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.reactive.TransactionalOperator;
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
 * {@code /api/v1/users}: the people of a tenant who sign in to approve OAuth requests. A user's
 * {@code scopes} are the most it may grant to an app; a caller cannot give a user more than it holds.
 * Deleting a user revokes every token the user approved. The password is stored only as a bcrypt hash and
 * appears in no response, event or log.
 */
@RestController
@RequestMapping("/api/v1/users")
class UserController {

    private final UserStore users;
    private final AccountStore accounts;
    private final Passwords passwords;
    private final TokenStore tokens;
    private final TokenService tokenService;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final EventCodec codec;
    private final Cursors cursors;

    UserController(
            UserStore users,
            AccountStore accounts,
            Passwords passwords,
            TokenStore tokens,
            TokenService tokenService,
            TransactionalOperator tx,
            Outbox outbox,
            EventCodec codec,
            Cursors cursors) {
        this.cursors = cursors;
        this.users = users;
        this.accounts = accounts;
        this.passwords = passwords;
        this.tokens = tokens;
        this.tokenService = tokenService;
        this.tx = tx;
        this.outbox = outbox;
        this.codec = codec;
    }

    record UserView(String id, String tenant, String username, List<String> scopes, Instant createdAt) {
        static UserView of(UserStore.User u) {
            return new UserView(u.id(), u.tenant(), u.username(), u.scopes(), u.createdAt());
        }
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(
            @RequestBody NewUserBody body, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        List<FieldError> errors = new ArrayList<>();
        String username = body.username();
        String password = body.password();
        List<String> scopes = body.scopes() != null
                ? body.scopes()
                : caller.isOperator() ? List.of(Scope.ALL) : caller.grantedScopes();
        Set<Scope> granted = TokenService.scopes(scopes, true, errors);
        if (!caller.isOperator() && !caller.scopes().containsAll(granted)) {
            throw ApiException.forbidden("A token cannot give a user scopes it does not hold.");
        }
        String tenantField = body.tenant();
        if (caller.isOperator() && tenantField == null) {
            errors.add(new FieldError("tenant", ErrorCodes.REQUIRED, "The platform operator names the tenant."));
        } else if (!caller.isOperator() && body.tenantGiven()) {
            errors.add(new FieldError("tenant", ErrorCodes.INVALID, "Not allowed for a tenant's token."));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("The user request is invalid.", errors);
        }
        String name = username;
        String tenant = caller.isOperator() ? tenantField : caller.tenant();
        return accounts.findById(tenant)
                .switchIfEmpty(Mono.error(ApiException.badRequest(
                        "No such tenant.",
                        List.of(new FieldError("tenant", ErrorCodes.INVALID, "No account " + tenant + ".")))))
                .then(users.usernameTaken(name))
                .flatMap(taken -> taken
                        ? Mono.error(
                                ApiException.conflict("The username " + name + " is taken.", ErrorCodes.USERNAME_TAKEN))
                        : passwords.hash(password))
                .flatMap(hash -> tx.transactional(
                        users.create(tenant, name, hash, scopes, caller.tokenId(), restrictionsFrom(caller))
                                .flatMap(user -> fact(EventTypes.USER_CREATED, user, caller, exchange)
                                        .thenReturn(user))))
                .onErrorMap(
                        org.springframework.dao.DataIntegrityViolationException.class,
                        e -> ApiException.conflict("The username " + name + " is taken.", ErrorCodes.USERNAME_TAKEN))
                .doOnSuccess(u -> outbox.wake())
                .map(user -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create("/api/v1/users/" + user.id()))
                        .body(ApiEnvelope.ok("User created.", UserView.of(user), List.of(), RequestIds.of(exchange))));
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        Paging.checkLimit(limit);
        Cursors.Query pages = cursors.query("users", caller);
        return users.list(caller.isOperator() ? null : caller.tenant(), pages.after(cursor), limit + 1)
                .map(UserView::of)
                .collectList()
                .map(rows -> Paging.page(rows, limit, u -> pages.next(u.id())))
                .map(page -> Responses.ok(exchange, page.items().size() + " users.", page));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> delete(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return users.findById(id)
                .filter(u -> caller.canAccessTenant(u.tenant()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No user " + id + ".")))
                .flatMap(user -> tx.transactional(users.delete(user.id())
                                .then(tokens.revokeAllOfUser(user.id(), Instant.now()))
                                .then(fact(EventTypes.USER_DELETED, user, caller, exchange))
                                .thenReturn(user))
                        .doOnSuccess(u -> {
                            tokenService.forgetCachedLookups();
                            outbox.wake();
                        }))
                .map(user ->
                        Responses.ok(exchange, "User deleted; the tokens it approved are revoked.", UserView.of(user)));
    }

    private Mono<Void> fact(String type, UserStore.User user, ApiPrincipal caller, ServerWebExchange exchange) {
        var data = new UserChanged(user.id(), user.tenant(), user.username(), user.scopes(), caller.tokenId());
        var event = codec.event(
                ApiEvents.SOURCE, type, "users/" + user.id(), user.tenant(), RequestIds.of(exchange), null, null, data);
        return outbox.enqueue(Topics.AUDIT, user.tenant(), event);
    }

    /**
     * What the creating token hands on to the user besides scopes: its expiry, networks, domains and (for a
     * tenant's token) its rate limit; OAuth tokens the user approves are held to them.
     */
    private UserStore.Restrictions restrictionsFrom(ApiPrincipal caller) {
        Rate rate = caller.isOperator() ? null : tokenService.rateOf(caller);
        return new UserStore.Restrictions(
                caller.expiresAt(),
                caller.allowedCidrs() == null ? List.of() : caller.allowedCidrs(),
                caller.allowedDomains() == null ? List.of() : caller.allowedDomains(),
                rate == null ? null : rate.limit(),
                rate == null ? null : rate.periodSeconds());
    }
}
