package io.hostplane.api.webhooks;

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
import io.hostplane.common.id.Ids;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.DeleteMapping;
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
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/v1/webhooks} (scopes {@code webhooks.read} / {@code webhooks.write}): a tenant's subscriptions to
 * events, saved synchronously ({@code 201}). The secret is shown once, at creation and at each rotation; every
 * change is an audit fact naming the subscription by id and event types, never its URL. A token limited to some
 * domains may not manage subscriptions (they carry the whole account's events); an operator's token has none.
 */
@RestController
@RequestMapping("/api/v1/webhooks")
class WebhookController {

    private static final String REFUSED = "The webhook subscription is invalid; nothing was saved.";

    private final WebhookStore store;
    private final WebhookSecrets secrets;
    private final WebhookProperties properties;
    private final CallbackUrls urls;
    private final DeliveryDispatcher dispatcher;
    private final TransactionalOperator tx;
    private final WebhookAudit audit;
    private final Cursors cursors;
    private final JsonMapper json;

    WebhookController(
            WebhookStore store,
            WebhookSecrets secrets,
            WebhookProperties properties,
            CallbackUrls urls,
            DeliveryDispatcher dispatcher,
            TransactionalOperator tx,
            WebhookAudit audit,
            Cursors cursors,
            JsonMapper json) {
        this.store = store;
        this.secrets = secrets;
        this.properties = properties;
        this.urls = urls;
        this.dispatcher = dispatcher;
        this.tx = tx;
        this.audit = audit;
        this.cursors = cursors;
        this.json = json;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(
            @RequestBody JsonNode body, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        String tenant = tenantOf(caller, true);
        WebhookSpec spec = WebhookSpec.from(body, REFUSED);
        if (body.has("status")) {
            throw ApiException.badRequest(
                    REFUSED,
                    List.of(new FieldError(
                            "status", ErrorCodes.UNSUPPORTED, "A new subscription is enabled; PATCH disables it.")));
        }
        UUID id = Ids.uuidV7();
        String requestId = RequestIds.of(exchange);
        WebhookSecrets.Made secret = secrets.make();
        WebhookStore.Stored row = new WebhookStore.Stored(
                id,
                tenant,
                spec.url(),
                spec.events(),
                spec.description(),
                WebhookSpec.ENABLED,
                null,
                null,
                null,
                caller.tokenId(),
                null,
                null);
        return checked(spec.url())
                .then(tx.transactional(store.insertWithin(row, secret.id(), secret.sealed(), properties.maxPerTenant())
                        .flatMap(inserted -> inserted
                                ? audit(row, "created", null, caller, requestId)
                                : Mono.error(ApiException.conflict(
                                        "The account has " + properties.maxPerTenant()
                                                + " webhook subscriptions, the most it may have; delete one first.",
                                        ErrorCodes.WEBHOOK_LIMIT)))
                        .then(store.find(id))))
                .doOnSuccess(x -> audit.wake())
                .map(saved -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create("/api/v1/webhooks/" + id))
                        .body(ApiEnvelope.ok(
                                "Webhook subscription created. Its signing secret is shown this once: keep it now.",
                                WebhookView.of(
                                        saved,
                                        new WebhookStore.CurrentSecret(id, secret.id(), saved.createdAt()),
                                        secret.value()),
                                List.of(),
                                requestId)));
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        String tenant = tenantOf(caller, false);
        Paging.checkLimit(limit);
        Cursors.Query pages = cursors.query("webhooks", caller);
        String after = pages.after(cursor);
        return store.list(tenant, after == null ? null : UUID.fromString(after), limit + 1)
                .collectList()
                .flatMap(rows -> views(rows))
                .map(rows -> Paging.page(rows, limit, v -> pages.next(v.id())))
                .map(page -> Responses.ok(exchange, page.items().size() + " webhook subscriptions.", page));
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller, false)
                .flatMap(this::view)
                .map(view -> Responses.ok(
                        exchange, "Webhook subscription " + view.id() + " is " + view.status() + ".", view));
    }

    /**
     * A JSON merge patch (RFC 7396): {@code url}, {@code events}, {@code description} (null removes it) and {@code
     * status} ({@code enabled} also ends a disabling after failures; its pending deliveries then resume). The result
     * is checked as a new subscription would be; nothing is saved unless all of it holds.
     */
    @PatchMapping(
            path = "/{id}",
            consumes = {MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json"})
    Mono<ResponseEntity<ApiEnvelope>> patch(
            @PathVariable String id,
            @RequestBody JsonNode body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        String requestId = RequestIds.of(exchange);
        return visible(id, caller, true)
                .flatMap(current -> {
                    WebhookSpec merged = merge(current, body);
                    String action = !merged.status().equals(current.status())
                            ? merged.status().equals(WebhookSpec.ENABLED) ? "enabled" : "disabled"
                            : "updated";
                    Mono<WebhookStore.Stored> work = store.update(
                                    current.id(),
                                    merged.url(),
                                    merged.events(),
                                    merged.description(),
                                    merged.status(),
                                    "Disabled by token " + caller.tokenId() + ".")
                            .then(store.find(current.id()))
                            .flatMap(changed -> audit(changed, action, null, caller, requestId)
                                    .thenReturn(changed));
                    return (body.has("url") ? checked(merged.url()) : Mono.<Void>empty()).then(tx.transactional(work));
                })
                .doOnSuccess(x -> {
                    audit.wake();
                    dispatcher.wake();
                })
                .flatMap(this::view)
                .map(view -> Responses.ok(exchange, "Webhook subscription " + view.id() + " changed.", view));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> delete(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        String requestId = RequestIds.of(exchange);
        return visible(id, caller, true)
                .flatMap(current -> tx.transactional(
                                store.delete(current.id()).then(audit(current, "deleted", null, caller, requestId)))
                        .thenReturn(current))
                .doOnSuccess(x -> audit.wake())
                .map(gone -> Responses.ok(
                        exchange,
                        "Webhook subscription " + gone.id() + " deleted with its deliveries; nothing more is sent.",
                        WebhookView.of(gone, null, null)));
    }

    /** A rotation's answer: the new secret, shown once, and until when the ones before it still sign. */
    record Rotated(String webhookId, String secretId, String secret, Instant createdAt, Instant previousValidUntil) {
        @Override
        public String toString() {
            return "Rotated[webhookId=" + webhookId + ", secretId=" + secretId + "]";
        }
    }

    @PostMapping("/{id}/rotate-secret")
    Mono<ResponseEntity<ApiEnvelope>> rotateSecret(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        String requestId = RequestIds.of(exchange);
        WebhookSecrets.Made secret = secrets.make();
        return visible(id, caller, true)
                .flatMap(current -> tx.transactional(store.rotateSecret(current.id(), secret.id(), secret.sealed())
                                .flatMap(created -> audit(current, "secret_rotated", null, caller, requestId)
                                        .thenReturn(created)))
                        .map(created -> new Rotated(
                                current.id().toString(),
                                secret.id(),
                                secret.value(),
                                created,
                                created.plus(secrets.overlap())))
                        .doOnSuccess(r -> secrets.forget(current.id())))
                .doOnSuccess(x -> audit.wake())
                .map(rotated -> Responses.ok(
                        exchange,
                        "A new signing secret, shown once: keep it now. Deliveries carry a signature by it and, until "
                                + rotated.previousValidUntil() + ", by the secrets before it.",
                        rotated));
    }

    /** Sends a {@code webhook.test} event to this subscription only: {@code 202} (a disabled one gets it once enabled). */
    @PostMapping("/{id}/test")
    Mono<ResponseEntity<ApiEnvelope>> test(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        UUID eventId = Ids.uuidV7();
        UUID deliveryId = Ids.uuidV7();
        return visible(id, caller, true)
                .flatMap(current -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("webhook", Map.of("id", current.id().toString()));
                    data.put("message", "A test event sent on request; it changes nothing.");
                    return tx.transactional(store.test(current, eventId, deliveryId, json.writeValueAsString(data))
                                    .then(store.delivery(current.id(), deliveryId)))
                            .map(d -> DeliveryView.of(current.id(), d, List.of()));
                })
                .doOnSuccess(x -> dispatcher.wake())
                .map(view -> accepted(exchange, view, "A test event is on its way; its delivery shows how it went."));
    }

    @GetMapping("/{id}/deliveries")
    Mono<ResponseEntity<ApiEnvelope>> deliveries(
            @PathVariable String id,
            @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        return visible(id, caller, false).flatMap(webhook -> {
            // Checked once the subscription is known to be the caller's: another's is a 404 whatever the query.
            Paging.checkLimit(limit);
            if (state != null && !List.of("pending", "delivered", "failed").contains(state)) {
                return Mono.error(ApiException.badRequest(
                        "Unknown delivery state.",
                        List.of(new FieldError("state", ErrorCodes.INVALID, "pending, delivered or failed."))));
            }
            Cursors.Query pages = cursors.query("webhooks/" + webhook.id() + "/deliveries", caller, state);
            String after = pages.after(cursor);
            return store.deliveries(webhook.id(), state, after == null ? null : UUID.fromString(after), limit + 1)
                    .collectList()
                    .flatMap(rows -> withAttempts(webhook.id(), rows))
                    .map(rows -> Paging.page(rows, limit, v -> pages.next(v.id())))
                    .map(page -> Responses.ok(exchange, page.items().size() + " deliveries.", page));
        });
    }

    /**
     * Sends the event of an earlier delivery again, as a new delivery with the same event id (receivers that keep
     * the ids they have seen recognise it): {@code 202}. A disabled subscription is enabled first ({@code 409}).
     */
    @PostMapping("/{id}/deliveries/{delivery}/redeliver")
    Mono<ResponseEntity<ApiEnvelope>> redeliver(
            @PathVariable String id,
            @PathVariable String delivery,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        UUID deliveryId = uuidOr404(delivery, "No delivery " + delivery + ".");
        UUID newId = Ids.uuidV7();
        return visible(id, caller, true)
                .flatMap(webhook -> {
                    if (!webhook.status().equals(WebhookSpec.ENABLED)) {
                        return Mono.error(ApiException.conflict(
                                "Webhook subscription " + webhook.id()
                                        + " is disabled; enable it (PATCH {\"status\": \"enabled\"}) and redeliver.",
                                ErrorCodes.WEBHOOK_DISABLED));
                    }
                    return tx.transactional(store.redeliver(webhook.id(), deliveryId, newId)
                                    .switchIfEmpty(Mono.error(ApiException.notFound("No delivery " + delivery
                                            + " of webhook subscription " + webhook.id() + ".")))
                                    .then(store.delivery(webhook.id(), newId)))
                            .map(d -> DeliveryView.of(webhook.id(), d, List.of()));
                })
                .doOnSuccess(x -> dispatcher.wake())
                .map(view -> accepted(exchange, view, "The event is delivered again, as delivery " + view.id() + "."));
    }

    private static ResponseEntity<ApiEnvelope> accepted(ServerWebExchange exchange, DeliveryView view, String message) {
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .body(ApiEnvelope.ok(message, view, List.of(), RequestIds.of(exchange)));
    }

    // Who may act

    /**
     * The caller's tenant. An operator's token has no subscriptions; a token limited to some domains may read them
     * but not change them, as they carry events of the whole account.
     */
    private static String tenantOf(ApiPrincipal caller, boolean changing) {
        if (caller.tenant() == null) {
            throw ApiException.badRequest(
                    "Webhook subscriptions are a tenant's; an operator's token has none.",
                    List.of(new FieldError(null, ErrorCodes.UNSUPPORTED, "Use a token of the tenant.")));
        }
        if (changing
                && caller.allowedDomains() != null
                && !caller.allowedDomains().isEmpty()) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    "This token is limited to some domains; subscriptions carry the whole account's events.",
                    List.of(new FieldError(null, ErrorCodes.DOMAIN_RESTRICTED, "Use a token without allowed_domains.")),
                    Map.of());
        }
        return caller.tenant();
    }

    /** The subscription if it is the caller's tenant's; a 404 otherwise, as for one that does not exist. */
    private Mono<WebhookStore.Stored> visible(String id, ApiPrincipal caller, boolean changing) {
        String tenant = tenantOf(caller, changing);
        UUID uuid = uuidOr404(id, "No webhook subscription " + id + ".");
        return store.find(uuid)
                .filter(w -> Objects.equals(w.tenant(), tenant))
                .switchIfEmpty(Mono.error(ApiException.notFound("No webhook subscription " + id + ".")));
    }

    private static UUID uuidOr404(String id, String message) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(message);
        }
    }

    // Checks and views

    /**
     * The URL may be used: its host resolves, only to public addresses unless allowed by {@code
     * hostplane.callbacks.allowed-hosts}, and plain http only when every address is allowed. A 400 otherwise.
     */
    private Mono<Void> checked(String url) {
        return urls.problem(url)
                .switchIfEmpty(Mono.fromCallable(() -> plainHttpProblem(url)).subscribeOn(Schedulers.boundedElastic()))
                .flatMap(problem -> Mono.<Void>error(
                        ApiException.badRequest(REFUSED, List.of(new FieldError("url", ErrorCodes.INVALID, problem)))));
    }

    private String plainHttpProblem(String url) {
        URI uri = URI.create(url);
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            return null;
        }
        String host = uri.getHost();
        try {
            for (InetAddress a :
                    InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)) {
                if (!urls.allowed(a)) {
                    return "Plain http only to a host the operator allows; use https.";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            return "The host " + host + " does not resolve.";
        }
    }

    /** The subscription after {@code patch}: its current definition with the patch applied, checked whole. */
    private WebhookSpec merge(WebhookStore.Stored current, JsonNode patch) {
        if (!patch.isObject()) {
            throw ApiException.badRequest(
                    REFUSED, List.of(new FieldError(null, ErrorCodes.INVALID, "A merge patch is a JSON object.")));
        }
        ObjectNode merged = json.createObjectNode();
        merged.put("url", current.url());
        merged.set("events", json.valueToTree(current.events()));
        if (current.description() != null) {
            merged.put("description", current.description());
        }
        merged.put("status", current.status());
        for (var member : patch.properties()) {
            if (member.getValue().isNull()) {
                merged.remove(member.getKey());
                if (member.getKey().equals("status")) {
                    merged.put("status", current.status());
                }
            } else {
                merged.set(member.getKey(), member.getValue());
            }
        }
        return WebhookSpec.from(merged, REFUSED);
    }

    private Mono<WebhookView> view(WebhookStore.Stored s) {
        return views(List.of(s)).map(list -> list.get(0));
    }

    private Mono<List<WebhookView>> views(List<WebhookStore.Stored> rows) {
        if (rows.isEmpty()) {
            return Mono.just(List.of());
        }
        return store.currentSecrets(rows.stream().map(WebhookStore.Stored::id).toList())
                .collectMap(WebhookStore.CurrentSecret::webhookId, Function.identity())
                .map(current -> rows.stream()
                        .map(s -> WebhookView.of(s, current.get(s.id()), null))
                        .toList());
    }

    private Mono<List<DeliveryView>> withAttempts(UUID webhookId, List<WebhookStore.Delivery> rows) {
        if (rows.isEmpty()) {
            return Mono.just(List.of());
        }
        return store.attempts(rows.stream().map(WebhookStore.Delivery::id).toList())
                .collect(Collectors.groupingBy(WebhookStore.Attempt::deliveryId))
                .map(byDelivery -> {
                    List<DeliveryView> views = new ArrayList<>();
                    for (WebhookStore.Delivery d : rows) {
                        views.add(DeliveryView.of(webhookId, d, byDelivery.getOrDefault(d.id(), List.of())));
                    }
                    return views;
                });
    }

    private Mono<Void> audit(
            WebhookStore.Stored w, String action, String reason, ApiPrincipal caller, String requestId) {
        return audit.changed(w, action, reason, caller.tokenId(), requestId);
    }
}
