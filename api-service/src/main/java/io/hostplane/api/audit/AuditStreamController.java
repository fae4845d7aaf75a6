package io.hostplane.api.audit;

import io.hostplane.api.accounts.AccountStore;
import io.hostplane.api.outbox.Outbox;
import io.hostplane.api.system.ApiEvents;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.crypto.SealedBox;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.AuditStreamChanged;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.id.Ids;
import io.hostplane.common.topic.Topics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/v1/audit/streams} (scope {@code audit.stream}): continuous delivery of the audit log to a syslog
 * collector or an HTTP (Splunk HEC shaped) endpoint. Definitions are saved synchronously ({@code 201}); the audit
 * service picks them up and delivers (docs/audit.md, "Streams"). A tenant token streams its own tenant; an
 * operator token one tenant or, without {@code tenant}, every tenant. Credentials are sealed at once and never
 * shown again; every change is an audit fact naming the sink by kind and host only.
 */
@RestController
@RequestMapping("/api/v1/audit/streams")
class AuditStreamController {

    private static final String REFUSED = "The audit stream is invalid; nothing was saved.";

    private final AuditStreamStore streams;
    private final AuditStreamStatuses statuses;
    private final AuditSinkProbe probe;
    private final AuditStreamProperties properties;
    private final AccountStore accounts;
    private final SealedBox box;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final EventCodec codec;
    private final Cursors cursors;
    private final JsonMapper json;

    AuditStreamController(
            AuditStreamStore streams,
            AuditStreamStatuses statuses,
            AuditSinkProbe probe,
            AuditStreamProperties properties,
            AccountStore accounts,
            SealedBox box,
            TransactionalOperator tx,
            Outbox outbox,
            EventCodec codec,
            Cursors cursors,
            JsonMapper json) {
        this.streams = streams;
        this.statuses = statuses;
        this.probe = probe;
        this.properties = properties;
        this.accounts = accounts;
        this.box = box;
        this.tx = tx;
        this.outbox = outbox;
        this.codec = codec;
        this.cursors = cursors;
        this.json = json;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(
            @RequestBody JsonNode body, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        AuditStreamSpec spec = AuditStreamSpec.from(body, REFUSED);
        UUID id = Ids.uuidV7();
        String requestId = RequestIds.of(exchange);
        return tenantOf(spec, caller)
                .flatMap(tenant -> checked(spec).thenReturn(tenant))
                .flatMap(tenant -> {
                    AuditStreamStore.Stored stored = stored(id, tenant.orElse(null), spec, caller.tokenId());
                    Mono<AuditStreamStore.Stored> work = streams.insertWithin(stored, properties.maxPerTenant())
                            .flatMap(inserted -> inserted
                                    ? audit(stored, "created", caller, requestId)
                                    : Mono.error(ApiException.conflict(
                                            "The account has " + properties.maxPerTenant()
                                                    + " audit streams, the most it may have; delete one first.",
                                            ErrorCodes.STREAM_LIMIT)))
                            .then(streams.find(id));
                    return tx.transactional(work);
                })
                .doOnSuccess(x -> outbox.wake())
                .map(saved -> ResponseEntity.status(HttpStatus.CREATED)
                        .location(URI.create("/api/v1/audit/streams/" + id))
                        .body(ApiEnvelope.ok(
                                "Audit stream created; the audit service starts delivering within seconds.",
                                AuditStreamView.of(saved, AuditStreamStatuses.Status.NONE),
                                List.of(),
                                requestId)));
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(required = false) String tenant,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        Paging.checkLimit(limit);
        if (tenant != null && !operator(caller) && !tenant.equals(caller.tenant())) {
            throw forbiddenTenant();
        }
        String scope = operator(caller) ? tenant : caller.tenant();
        Cursors.Query pages = cursors.query("audit/streams", caller, scope);
        String after = pages.after(cursor);
        return streams.list(scope, after == null ? null : UUID.fromString(after), limit + 1)
                .collectList()
                .flatMap(rows -> statuses.of(
                                rows.stream().map(AuditStreamStore.Stored::id).toList())
                        .map(st -> rows.stream()
                                .map(s ->
                                        AuditStreamView.of(s, st.getOrDefault(s.id(), AuditStreamStatuses.Status.NONE)))
                                .toList()))
                .map(rows -> Paging.page(rows, limit, v -> pages.next(v.id())))
                .map(page -> Responses.ok(exchange, page.items().size() + " audit streams.", page));
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller)
                .flatMap(this::view)
                .map(view -> Responses.ok(exchange, "Audit stream " + view.id() + " is " + view.status() + ".", view));
    }

    /**
     * A JSON merge patch (RFC 7396) of the stream: any member but {@code kind} and {@code tenant}; {@code token}
     * or {@code ca_pem} null removes it, left out keeps it. The result is checked as a new stream would be (its
     * sink again when the sink changed); nothing is saved unless all of it holds.
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
        return visible(id, caller)
                .flatMap(current -> {
                    AuditStreamSpec merged = merge(current, body);
                    boolean sinkChanged = body.has("url") || body.has("host") || body.has("port") || body.has("ca_pem");
                    AuditStreamStore.Stored next = stored(current.id(), current.tenant(), merged, current.createdBy());
                    Mono<AuditStreamStore.Stored> work = streams.update(next)
                            .then(audit(next, "updated", caller, requestId))
                            .then(streams.find(current.id()));
                    return (sinkChanged ? checked(merged) : Mono.<Void>empty()).then(tx.transactional(work));
                })
                .doOnSuccess(x -> outbox.wake())
                .flatMap(this::view)
                .map(view -> Responses.ok(exchange, "Audit stream " + view.id() + " changed.", view));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> delete(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        String requestId = RequestIds.of(exchange);
        return visible(id, caller)
                .flatMap(current -> tx.transactional(
                                streams.delete(current.id()).then(audit(current, "deleted", caller, requestId)))
                        .thenReturn(current))
                .doOnSuccess(x -> outbox.wake())
                .map(gone -> Responses.ok(
                        exchange,
                        "Audit stream " + gone.id() + " deleted; its deliveries stop within seconds.",
                        AuditStreamView.of(gone, AuditStreamStatuses.Status.NONE)));
    }

    @PostMapping("/{id}/pause")
    Mono<ResponseEntity<ApiEnvelope>> pause(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return pauseOrResume(id, true, caller, exchange);
    }

    @PostMapping("/{id}/resume")
    Mono<ResponseEntity<ApiEnvelope>> resume(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return pauseOrResume(id, false, caller, exchange);
    }

    private Mono<ResponseEntity<ApiEnvelope>> pauseOrResume(
            String id, boolean pause, ApiPrincipal caller, ServerWebExchange exchange) {
        String requestId = RequestIds.of(exchange);
        return visible(id, caller)
                .flatMap(current -> tx.transactional(streams.pause(current.id(), pause)
                        .then(audit(current, pause ? "paused" : "resumed", caller, requestId))
                        .then(streams.find(current.id()))))
                .doOnSuccess(x -> outbox.wake())
                .flatMap(this::view)
                .map(view -> Responses.ok(
                        exchange,
                        "Audit stream " + view.id() + (pause ? " paused; it keeps its position." : " resumed."),
                        view));
    }

    /** The stream if the caller may see it: its tenant's tokens and the operator; anyone else gets a 404. */
    private Mono<AuditStreamStore.Stored> visible(String id, ApiPrincipal caller) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Mono.error(ApiException.notFound("No audit stream " + id + "."));
        }
        return streams.find(uuid)
                .filter(s -> operator(caller) || Objects.equals(s.tenant(), caller.tenant()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No audit stream " + id + ".")));
    }

    private Mono<AuditStreamView> view(AuditStreamStore.Stored s) {
        return statuses.of(List.of(s.id()))
                .map(st -> AuditStreamView.of(s, st.getOrDefault(s.id(), AuditStreamStatuses.Status.NONE)));
    }

    /**
     * Whose events the stream carries: a tenant token its own (naming another tenant is a 403); an operator the
     * tenant named, which must exist, or every tenant (empty).
     */
    private Mono<java.util.Optional<String>> tenantOf(AuditStreamSpec spec, ApiPrincipal caller) {
        if (!operator(caller)) {
            if (spec.tenant() != null && !spec.tenant().equals(caller.tenant())) {
                return Mono.error(forbiddenTenant());
            }
            return Mono.just(java.util.Optional.of(caller.tenant()));
        }
        if (spec.tenant() == null) {
            return Mono.just(java.util.Optional.empty());
        }
        return accounts.findById(spec.tenant())
                .map(a -> java.util.Optional.of(a.id()))
                .switchIfEmpty(Mono.error(ApiException.badRequest(
                        REFUSED, List.of(new FieldError("tenant", ErrorCodes.INVALID, "No such tenant.")))));
    }

    /**
     * An installation's token (no tenant): it streams one tenant or every tenant. Decided by the missing tenant,
     * not by {@code platform.admin}, so that a tenant-less token never falls through to "its own tenant" (none).
     */
    private static boolean operator(ApiPrincipal caller) {
        return caller.tenant() == null;
    }

    private static ApiException forbiddenTenant() {
        return new ApiException(
                HttpStatus.FORBIDDEN,
                "A tenant token streams its own tenant only.",
                List.of(new FieldError("tenant", ErrorCodes.TENANT_FORBIDDEN, "Not this token's tenant.")),
                Map.of());
    }

    /** The sink passes the address and TLS checks, or a 400 naming the problem. */
    private Mono<Void> checked(AuditStreamSpec spec) {
        return probe.problems(spec)
                .flatMap(problems -> problems.isEmpty()
                        ? Mono.<Void>empty()
                        : Mono.error(ApiException.badRequest(REFUSED, problems)));
    }

    /** The stream after {@code patch}: the current definition (credentials opened) with the patch applied. */
    private AuditStreamSpec merge(AuditStreamStore.Stored current, JsonNode patch) {
        List<FieldError> refused = new ArrayList<>();
        if (!patch.isObject()) {
            refused.add(new FieldError(null, ErrorCodes.INVALID, "A merge patch is a JSON object."));
        } else {
            if (patch.has("kind") && !current.kind().equals(patch.get("kind").asString(""))) {
                refused.add(new FieldError("kind", ErrorCodes.UNSUPPORTED, "A stream's kind stays; create another."));
            }
            if (patch.has("tenant")) {
                refused.add(
                        new FieldError("tenant", ErrorCodes.UNSUPPORTED, "A stream's tenant stays; create another."));
            }
        }
        if (!refused.isEmpty()) {
            throw ApiException.badRequest(REFUSED, refused);
        }
        ObjectNode merged = json.createObjectNode();
        merged.put("kind", current.kind());
        putIfNotNull(merged, "url", current.url());
        putIfNotNull(merged, "host", current.host());
        if (current.port() != null) {
            merged.put("port", current.port());
        }
        merged.set("types", json.valueToTree(current.types()));
        putIfNotNull(merged, "description", current.description());
        putIfNotNull(merged, "token", open(current.tokenSealed(), current.id(), "token"));
        putIfNotNull(merged, "token_type", current.tokenSealed() == null ? null : current.tokenType());
        putIfNotNull(merged, "ca_pem", open(current.caPemSealed(), current.id(), "ca_pem"));
        for (var member : patch.properties()) {
            if (member.getValue().isNull()) {
                merged.remove(member.getKey());
                if (member.getKey().equals("token")) {
                    merged.remove("token_type");
                }
            } else if (!member.getKey().equals("kind")) {
                merged.set(member.getKey(), member.getValue());
            }
        }
        return AuditStreamSpec.from(merged, REFUSED);
    }

    private static void putIfNotNull(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private String open(byte[] sealed, UUID id, String field) {
        if (sealed == null) {
            return null;
        }
        try {
            return box.openText(sealed, context(id, field));
        } catch (GeneralSecurityException e) {
            throw ApiException.unavailable("The stream's stored " + field
                    + " cannot be opened with this API's sealing key (hostplane.ssl.encryption-key, key id "
                    + box.keyId() + "); send it again in the patch.");
        }
    }

    /** The row to store: credentials sealed, fingerprints for GET. */
    private AuditStreamStore.Stored stored(UUID id, String tenant, AuditStreamSpec spec, String createdBy) {
        byte[] token = spec.token() == null ? null : box.seal(spec.token(), context(id, "token"));
        byte[] ca = spec.caPem() == null ? null : box.seal(spec.caPem(), context(id, "ca_pem"));
        return new AuditStreamStore.Stored(
                id,
                tenant,
                spec.kind(),
                spec.url(),
                spec.host(),
                spec.port(),
                spec.types(),
                spec.description(),
                spec.tokenType(),
                token,
                ca,
                token == null && ca == null ? null : box.keyId(),
                spec.token() == null ? null : fingerprint(spec.token().getBytes(StandardCharsets.UTF_8)),
                spec.caPem() == null ? null : caFingerprint(spec.caPem()),
                null,
                null,
                createdBy,
                null,
                null,
                1);
    }

    /** The associated data a credential is sealed with: it opens for this stream and field only. */
    static String context(UUID id, String field) {
        return "audit-stream:" + id + ":" + field;
    }

    private static String fingerprint(byte[] bytes) {
        return HexFormat.of().formatHex(ChainLink.sha256(bytes)).substring(0, 16);
    }

    /** SHA-256 of the first CA certificate's DER, as {@code openssl x509 -fingerprint -sha256} shows it. */
    private static String caFingerprint(String pem) {
        try {
            return HexFormat.ofDelimiter(":")
                    .withUpperCase()
                    .formatHex(ChainLink.sha256(
                            AuditStreamSpec.certificates(pem).get(0).getEncoded()));
        } catch (CertificateEncodingException e) {
            return null;
        }
    }

    private Mono<Void> audit(AuditStreamStore.Stored s, String action, ApiPrincipal caller, String requestId) {
        String host = s.host() != null ? s.host() : URI.create(s.url()).getHost();
        return outbox.enqueue(
                Topics.AUDIT,
                s.tenant() != null ? s.tenant() : s.id().toString(),
                codec.event(
                        ApiEvents.SOURCE,
                        EventTypes.AUDIT_STREAM_CHANGED,
                        "audit/streams/" + s.id(),
                        s.tenant(),
                        requestId,
                        null,
                        null,
                        new AuditStreamChanged(
                                s.id().toString(), action, s.kind(), host, s.tenant(), s.types(), caller.tokenId())));
    }
}
