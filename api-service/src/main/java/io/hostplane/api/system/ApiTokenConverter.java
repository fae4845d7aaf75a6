package io.hostplane.api.system;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Reads the caller's token from {@code Authorization: Bearer …} or, failing that, from the cookie
 * {@code api_access_token}. A cookie is sent by browsers without the page's consent, so a state-changing
 * request authenticated by the cookie alone is refused (no CSRF exposure); reads may use it.
 */
class ApiTokenConverter implements ServerAuthenticationConverter {

    static final String COOKIE = "api_access_token";

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)
                    || header.substring(7).isBlank()) {
                return Mono.error(
                        new InvalidBearerTokenException("Malformed Authorization header: expected 'Bearer <token>'."));
            }
            return Mono.just(
                    new BearerTokenAuthenticationToken(header.substring(7).trim()));
        }
        HttpCookie cookie = exchange.getRequest().getCookies().getFirst(COOKIE);
        if (cookie == null || cookie.getValue().isBlank()) {
            return Mono.empty();
        }
        HttpMethod method = exchange.getRequest().getMethod();
        if (!(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method))) {
            BearerTokenError error = BearerTokenErrors.invalidRequest(
                    "The api_access_token cookie authenticates reads only; send Authorization: Bearer for changes.");
            return Mono.error(new OAuth2AuthenticationException(error, error.getDescription()));
        }
        return Mono.just(new BearerTokenAuthenticationToken(cookie.getValue()));
    }
}
