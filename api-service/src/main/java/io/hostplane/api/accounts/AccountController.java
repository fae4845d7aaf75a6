package io.hostplane.api.accounts;

import io.hostplane.api.limits.TenantLimits;
import io.hostplane.api.limits.TenantLimitsService;
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
import io.hostplane.common.event.AccountLimitsChanged;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.topic.Topics;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/accounts} (platform operator only): tenants, and what each may do ({@code limits}, changed with
 * a JSON merge patch).
 */
@RestController
@RequestMapping("/api/v1/accounts")
class AccountController {

    private final AccountStore accounts;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final EventCodec codec;
    private final Cursors cursors;
    private final TenantLimitsService limits;
    private final JsonMapper json;

    AccountController(
            AccountStore accounts,
            TransactionalOperator tx,
            Outbox outbox,
            EventCodec codec,
            Cursors cursors,
            TenantLimitsService limits,
            JsonMapper json) {
        this.limits = limits;
        this.json = json;
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
            @RequestBody NewAccountBody body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        String name = body.name();
        String requestId = RequestIds.of(exchange);
        Mono<AccountStore.Account> work = accounts.create(name)
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
                        e -> ApiException.conflict("Account name " + name + " is taken.", ErrorCodes.NAME_TAKEN))
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

    /** An account with its effective limits (the operator's settings over the documented defaults). */
    record AccountWithLimits(String id, String name, String cname, Map<String, Object> limits) {
        static AccountWithLimits of(AccountStore.Account a, TenantLimits limits) {
            return new AccountWithLimits(a.id(), a.name(), a.name(), limits.view());
        }
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(@PathVariable String id, ServerWebExchange exchange) {
        return accounts.findById(id)
                .switchIfEmpty(Mono.error(ApiException.notFound("No account " + id + ".")))
                .zipWhen(a -> limits.read(a.id()))
                .map(found -> Responses.ok(
                        exchange,
                        "Account " + found.getT1().name() + ".",
                        AccountWithLimits.of(found.getT1(), found.getT2())));
    }

    /**
     * A JSON merge patch (RFC 7396) of the account: today only its {@code limits}. The patch stays a tree, not a
     * record: the audit fact records it as it was sent, an unknown member at either level is named (UNSUPPORTED),
     * and a member given as null (back to the default) differs from one left out (unchanged). Nothing is changed unless the
     * whole patch is valid; the change and its audit fact are one transaction, and this replica uses the new
     * limits at once (others within {@code hostplane.limits.cache-ttl}).
     */
    @PatchMapping(
            path = "/{id}",
            consumes = {MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json"})
    Mono<ResponseEntity<ApiEnvelope>> patch(
            @PathVariable String id,
            @RequestBody JsonNode body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        List<FieldError> unknown = new ArrayList<>();
        for (Map.Entry<String, JsonNode> member : body.properties()) {
            if (!member.getKey().equals("limits")) {
                unknown.add(new FieldError(
                        member.getKey(), ErrorCodes.UNSUPPORTED, "Only limits can be changed on an account."));
            }
        }
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("Only limits can be changed on an account.", unknown);
        }
        String requestId = RequestIds.of(exchange);
        JsonNode patch = body.get("limits");
        Mono<AccountWithLimits> work = accounts.findById(id)
                .switchIfEmpty(Mono.error(ApiException.notFound("No account " + id + ".")))
                .flatMap(account -> (patch == null
                                ? limits.read(id)
                                : limits.patch(id, patch)
                                        .flatMap(changed -> outbox.enqueue(
                                                        Topics.AUDIT,
                                                        id,
                                                        codec.event(
                                                                ApiEvents.SOURCE,
                                                                EventTypes.ACCOUNT_LIMITS_CHANGED,
                                                                "accounts/" + id,
                                                                id,
                                                                requestId,
                                                                null,
                                                                null,
                                                                new AccountLimitsChanged(
                                                                        id,
                                                                        json.convertValue(patch, MAP),
                                                                        changed.view(),
                                                                        caller.tokenId())))
                                                .thenReturn(changed)))
                        .map(changed -> AccountWithLimits.of(account, changed)));
        return tx.transactional(work)
                .doOnSuccess(x -> outbox.wake())
                .map(view -> Responses.ok(exchange, "Account " + view.name() + " changed.", view));
    }

    private static final tools.jackson.core.type.TypeReference<Map<String, Object>> MAP =
            new tools.jackson.core.type.TypeReference<>() {};
}
