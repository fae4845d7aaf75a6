package io.hostplane.api.system;

import io.hostplane.api.system.RequestFirewall.Refusal;
import io.hostplane.api.system.RequestFirewall.Refused;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Refuses what {@link RequestFirewall} refuses, before authentication, by raising it for {@link ApiErrorHandler}
 * to write: a method that is not a standard one ({@code PROPFIND}, {@code TRACK}, {@code get}) 501, whatever the
 * path; a path with an encoded slash or period, a dot segment, a NUL and the like 404, since no route has such a
 * path; a header or query parameter with characters that are not allowed 400. None of them says whether a path
 * exists.
 */
@Component
class RejectedRequests implements ServerExchangeRejectedHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, ServerExchangeRejectedException rejected) {
        if (!(rejected instanceof Refused refused)) {
            return Mono.error(ApiException.badRequest(
                    "A request header or query parameter holds characters that are not allowed (control characters).",
                    null));
        }
        if (refused.refusal() == Refusal.TARGET) {
            return Mono.error(ApiException.notFound("No such resource."));
        }
        String method = exchange.getRequest().getMethod().name();
        return Mono.error(new ApiException(
                HttpStatus.NOT_IMPLEMENTED,
                "Method " + (method.length() <= 32 ? method : method.substring(0, 32) + "…")
                        + " is not implemented; the API uses GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS.",
                null,
                null));
    }
}
