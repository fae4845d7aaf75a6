package io.hostplane.api.system;

import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.resource.NoResourceFoundException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * The one place that maps failures to HTTP: every error leaves as the error envelope. Bad input is a 4xx
 * that says what is wrong; a dependency that is down is a 503 with {@code Retry-After}; only a bug is a
 * 500, and its details stay in the log, under the request id. Filters, Spring Security's entry points and the
 * firewall's refusals raise {@link ApiException} (status, field errors with catalogued codes, headers such as
 * {@code Retry-After} or {@code WWW-Authenticate}) and leave the writing to this handler; only the answers made
 * below Spring, before any handler can run, are written elsewhere ({@link NettyEnvelopes}), with the envelope
 * built here ({@link #envelope}).
 */
@Component
@Order(-2)
class ApiErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final EnvelopeWriter writer;

    ApiErrorHandler(EnvelopeWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        HttpHeaders headers = exchange.getResponse().getHeaders();
        if (ex instanceof ApiException api) {
            api.headers().forEach(headers::set);
            return error(exchange, api.status(), api.getMessage(), api.errors());
        }
        if (ex instanceof MethodNotAllowedException notAllowed) {
            headers.setAllow(notAllowed.getSupportedMethods());
            return error(
                    exchange,
                    HttpStatus.METHOD_NOT_ALLOWED,
                    "Method " + notAllowed.getHttpMethod() + " is not allowed here; allowed: "
                            + notAllowed.getSupportedMethods() + ".",
                    List.of());
        }
        if (ex instanceof NoResourceFoundException) {
            return error(exchange, HttpStatus.NOT_FOUND, "No such resource.", List.of());
        }
        if (isBodyTooLarge(ex)) {
            return error(exchange, HttpStatus.PAYLOAD_TOO_LARGE, "Request body is larger than 1 MiB.", List.of());
        }
        if (ex instanceof ServerWebInputException input && input.getCause() instanceof DecodingException) {
            return error(
                    exchange,
                    HttpStatus.BAD_REQUEST,
                    "Request body is not valid JSON.",
                    List.of(new FieldError(null, ErrorCodes.MALFORMED_JSON, "The body could not be parsed as JSON.")));
        }
        if (ex instanceof ServerWebInputException input && parameterOf(input) != null) {
            String name = parameterOf(input);
            return error(
                    exchange,
                    HttpStatus.BAD_REQUEST,
                    "Parameter " + name + " is missing or not of the expected type.",
                    List.of(new FieldError(name, ErrorCodes.INVALID, "Missing, or not of the expected type.")));
        }
        if (ex instanceof ResponseStatusException status) {
            status.getHeaders().forEach((name, values) -> headers.put(name, values));
            HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
            String reason = status.getReason() != null ? status.getReason() : reasonOf(status.getStatusCode());
            return error(exchange, code == null ? HttpStatus.BAD_REQUEST : code, reason, List.of());
        }
        if (isDependencyDown(ex)) {
            log.warn("request {}: dependency unavailable: {}", RequestIds.of(exchange), ex.toString());
            Map.of("Retry-After", "5").forEach(headers::set);
            return error(
                    exchange,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "A dependency of the API is unavailable; retry later.",
                    List.of());
        }
        log.error("request {} failed", RequestIds.of(exchange), ex);
        return error(
                exchange,
                HttpStatus.INTERNAL_SERVER_ERROR,
                "Internal error; quote request id " + RequestIds.of(exchange) + " when reporting it.",
                List.of());
    }

    private Mono<Void> error(ServerWebExchange exchange, HttpStatus status, String message, List<FieldError> errors) {
        return writer.write(exchange, status, envelope(status.value(), message, errors, RequestIds.of(exchange)));
    }

    /**
     * The error envelope: built here for every error answer, this handler's and those made below Spring, before
     * any handler can be reached ({@link NettyEnvelopes}).
     */
    static ApiEnvelope envelope(int status, String message, List<FieldError> errors, String requestId) {
        HttpStatus known = HttpStatus.resolve(status);
        // A status Spring does not know can come from Netty only; it names its reason phrase.
        String reason = known == null ? HttpResponseStatus.valueOf(status).reasonPhrase() : known.getReasonPhrase();
        return ApiEnvelope.failure(status, reason, message, errors, requestId);
    }

    /** The request parameter (query, path or header) that {@code input} is about, or null. */
    private static String parameterOf(ServerWebInputException input) {
        MethodParameter parameter = input.getMethodParameter();
        if (parameter == null || parameter.hasParameterAnnotation(RequestBody.class)) {
            return null;
        }
        RequestParam query = parameter.getParameterAnnotation(RequestParam.class);
        if (query != null && !query.name().isEmpty()) {
            return query.name();
        }
        PathVariable path = parameter.getParameterAnnotation(PathVariable.class);
        if (path != null && !path.name().isEmpty()) {
            return path.name();
        }
        RequestHeader header = parameter.getParameterAnnotation(RequestHeader.class);
        if (header != null && !header.name().isEmpty()) {
            return header.name();
        }
        return parameter.getParameterName();
    }

    private static boolean isBodyTooLarge(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof DataBufferLimitException) {
                return true;
            }
        }
        return false;
    }

    static boolean isDependencyDown(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessException
                    || t instanceof io.r2dbc.spi.R2dbcNonTransientResourceException
                    || t instanceof io.r2dbc.spi.R2dbcTransientResourceException
                    || t instanceof java.net.ConnectException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String reasonOf(HttpStatusCode code) {
        HttpStatus status = HttpStatus.resolve(code.value());
        return status == null ? "Error." : status.getReasonPhrase() + ".";
    }
}
