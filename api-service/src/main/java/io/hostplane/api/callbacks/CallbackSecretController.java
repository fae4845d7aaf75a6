package io.hostplane.api.callbacks;

import io.hostplane.api.outbox.Outbox;
import io.hostplane.api.system.ApiEvents;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.CallbackSecretRotated;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.topic.Topics;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/v1/callbacks/secret/rotate} (scope {@code jobs.write}): a new callback signing secret for the
 * caller's tenant, shown once in the answer. The secrets before it keep signing, beside it, for {@code
 * hostplane.callbacks.secret-overlap}; the rotation is an audit fact naming the new secret's id.
 */
@RestController
class CallbackSecretController {

    private final CallbackSigner signer;
    private final TransactionalOperator tx;
    private final Outbox outbox;
    private final EventCodec codec;

    CallbackSecretController(CallbackSigner signer, TransactionalOperator tx, Outbox outbox, EventCodec codec) {
        this.signer = signer;
        this.tx = tx;
        this.outbox = outbox;
        this.codec = codec;
    }

    /** The new secret, shown once. */
    record NewSecret(String id, String secret, java.time.Instant createdAt, java.time.Instant previousValidUntil) {}

    @PostMapping("/api/v1/callbacks/secret/rotate")
    Mono<ResponseEntity<ApiEnvelope>> rotate(@AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        String tenant = caller.tenant();
        if (tenant == null) {
            throw ApiException.badRequest(
                    "Callback secrets are a tenant's; an operator's token has none to rotate.",
                    List.of(new FieldError(null, ErrorCodes.UNSUPPORTED, "Use a token of the tenant.")));
        }
        String requestId = RequestIds.of(exchange);
        Mono<CallbackSigner.Rotated> work = signer.rotate(tenant)
                .flatMap(rotated -> outbox.enqueue(
                                Topics.AUDIT,
                                tenant,
                                codec.event(
                                        ApiEvents.SOURCE,
                                        EventTypes.CALLBACK_SECRET_ROTATED,
                                        "callbacks/secret",
                                        tenant,
                                        requestId,
                                        null,
                                        null,
                                        new CallbackSecretRotated(
                                                rotated.id(), rotated.previousValidUntil(), caller.tokenId())))
                        .thenReturn(rotated));
        return tx.transactional(work)
                .doOnSuccess(rotated -> {
                    signer.forget(tenant);
                    outbox.wake();
                })
                .map(rotated -> Responses.ok(
                        exchange,
                        "A new callback signing secret, shown once: keep it now. Callbacks carry a signature by it"
                                + " and, until " + rotated.previousValidUntil() + ", by the secrets before it.",
                        new NewSecret(
                                rotated.id(), rotated.secret(), rotated.createdAt(), rotated.previousValidUntil())));
    }
}
