package io.hostplane.api.system;

import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's strict firewall, run before authentication: a method outside {@link #METHODS}, or a path
 * with an encoded slash, period or percent, a dot segment, a backslash, a NUL, a {@code ;} or a line break is
 * refused. Its refusals are marked with what was refused ({@link Refused}), so that {@link RejectedRequests} can
 * answer each in the envelope with its own status; a header or query parameter the firewall refuses later, when
 * it is read, arrives there unmarked.
 *
 * <p>Unlike the firewall's default, {@code TRACE} and {@code CONNECT} pass: they are standard methods, so a path
 * that does not take them is a 405 with {@code Allow}, answered by routing like any other method a route lacks,
 * after authentication (an unknown path without a token is a 401, never a 404 or a 405 that would map the API's
 * surface for anyone). No route takes either; WebFlux never echoes a {@code TRACE}.
 */
@Component
class RequestFirewall implements ServerWebExchangeFirewall {

    /** The standard methods (RFC 9110 and {@code PATCH}); any other is not implemented. */
    static final List<HttpMethod> METHODS = List.of(
            HttpMethod.GET,
            HttpMethod.HEAD,
            HttpMethod.POST,
            HttpMethod.PUT,
            HttpMethod.PATCH,
            HttpMethod.DELETE,
            HttpMethod.OPTIONS,
            HttpMethod.TRACE,
            HttpMethod.valueOf("CONNECT"));

    /** What the firewall refused: the method, or the request target. */
    enum Refusal {
        METHOD,
        TARGET
    }

    /** A refusal of the request line, with what was refused. */
    static final class Refused extends ServerExchangeRejectedException {

        private final Refusal refusal;

        Refused(Refusal refusal, String message) {
            super(message);
            this.refusal = refusal;
        }

        Refusal refusal() {
            return refusal;
        }
    }

    private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();

    RequestFirewall() {
        strict.setAllowedHttpMethods(Set.copyOf(METHODS));
    }

    @Override
    public Mono<ServerWebExchange> getFirewalledExchange(ServerWebExchange exchange) {
        HttpMethod method = exchange.getRequest().getMethod();
        if (!METHODS.contains(method)) {
            return Mono.error(new Refused(Refusal.METHOD, "Method " + method + " is not a standard method."));
        }
        return strict.getFirewalledExchange(exchange)
                .onErrorMap(
                        e -> e instanceof ServerExchangeRejectedException && !(e instanceof Refused),
                        e -> new Refused(Refusal.TARGET, e.getMessage()));
    }
}
