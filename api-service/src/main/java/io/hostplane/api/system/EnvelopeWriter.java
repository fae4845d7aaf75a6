package io.hostplane.api.system;

import io.hostplane.common.envelope.ApiEnvelope;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an envelope straight to a response, for code that answers outside the controllers: {@link
 * ApiErrorHandler}'s error envelopes, and a replayed {@code 202} of an idempotent request. Errors are not written
 * here by anyone else: they are raised as {@link ApiException}.
 */
@Component
public class EnvelopeWriter {

    private final JsonMapper json;

    EnvelopeWriter(JsonMapper json) {
        this.json = json;
    }

    /** Writes any envelope with {@code status}. */
    public Mono<Void> write(ServerWebExchange exchange, HttpStatus status, ApiEnvelope body) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        byte[] bytes = json.writeValueAsBytes(body);
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }
}
