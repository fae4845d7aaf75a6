package io.hostplane.api.accounts;

import io.hostplane.api.outbox.Outbox;
import io.hostplane.api.system.ApiEvents;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.AccountCreated;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.topic.Topics;
import java.net.URI;
import java.util.List;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/accounts} (platform operator only): tenants. */
@RestController
@RequestMapping("/api/v1/accounts")
class AccountController {

    private final AccountStore accounts;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final EventCodec codec;
    private final Cursors cursors;

    AccountController(
            AccountStore accounts, TransactionalOperator tx, Outbox outbox, EventCodec codec, Cursors cursors) {
        this.accounts = accounts;
        this.cursors = cursors;
        this.tx = tx;
        this.outbox = outbox;
        this.codec = codec;
    }

    record AccountView(String id, String name, String cname) {
        static AccountView of(AccountStore.Account a) {
            return new AccountView(a.id(), a.name(), a.name());
        }
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(
            @RequestBody JsonNode body, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        JsonNode name = body.get("name");
        if (name == null || !name.isString() || !name.asString().matches("[a-z0-9][a-z0-9-]{1,62}")) {
            throw ApiException.badRequest(
                    "name must be 2-63 lower-case letters, digits or hyphens.",
                    List.of(new FieldError(
                            "name",
                            name == null ? ErrorCodes.REQUIRED : ErrorCodes.INVALID,
                            "2-63 characters: a-z, 0-9, '-'; starting with a letter or digit.")));
        }
        String requestId = RequestIds.of(exchange);
        Mono<AccountStore.Account> work = accounts.create(name.asString())
                .flatMap(account -> outbox.enqueue(
                                Topics.AUDIT,
                                account.id(),
                                codec.event(
                                        ApiEvents.SOURCE,
                                        EventTypes.ACCOUNT_CREATED,
                                        "accounts/" + account.id(),
                                        account.id(),
                                        requestId,
                                        null,
                                        null,
                                        new AccountCreated(account.id(), account.name(), caller.tokenId())))
                        .thenReturn(account));
        return tx.transactional(work)
                .onErrorMap(
                        DataIntegrityViolationException.class,
                        e -> ApiException.conflict("Account name " + name.asString() + " is taken.", "NAME_TAKEN"))
                .doOnSuccess(x -> outbox.wake())
                .map(account -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create("/api/v1/accounts/" + account.id()))
                        .body(ApiEnvelope.ok("Account created.", AccountView.of(account), List.of(), requestId)));
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        Paging.checkLimit(limit);
        Cursors.Query pages = cursors.query("accounts", caller);
        return accounts.list(pages.after(cursor), limit + 1)
                .map(AccountView::of)
                .collectList()
                .map(rows -> Paging.page(rows, limit, a -> pages.next(a.id())))
                .map(page -> Responses.ok(exchange, page.items().size() + " accounts.", page));
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(@PathVariable String id, ServerWebExchange exchange) {
        return accounts.findById(id)
                .switchIfEmpty(Mono.error(ApiException.notFound("No account " + id + ".")))
                .map(a -> Responses.ok(exchange, "Account " + a.name() + ".", AccountView.of(a)));
    }
}
