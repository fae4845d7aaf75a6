package io.hostplane.api.system;

import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.FieldError;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Writes an error envelope straight to a response, for code that runs outside the controllers. */
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

    public Mono<Void> writeError(
            ServerWebExchange exchange, HttpStatus status, String message, List<FieldError> errors) {
        return write(
                exchange,
                status,
                ApiEnvelope.failure(
                        status.value(), status.getReasonPhrase(), message, errors, RequestIds.of(exchange)));
    }
}
