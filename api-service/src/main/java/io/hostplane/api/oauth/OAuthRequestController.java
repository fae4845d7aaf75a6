package io.hostplane.api.oauth;

import io.hostplane.api.system.ClientAddress;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The device flow's API: {@code POST /oauth/requests} and {@code GET /oauth/requests/verify} (public, limited
 * per client address), {@code POST /oauth/tokens/refresh} and {@code DELETE /oauth/tokens} (the OAuth token
 * itself). The user's side is {@link OAuthPageController}.
 */
@RestController
class OAuthRequestController {

    private final OAuthService service;
    private final OAuthProperties properties;

    OAuthRequestController(OAuthService service, OAuthProperties properties) {
        this.service = service;
        this.properties = properties;
    }

    record CreatedView(
            String id,
            String appName,
            List<String> scopes,
            String verifyToken,
            String redirectUrl,
            String verifyUrl,
            int verifyIntervalSeconds,
            Instant expiresAt) {}

    record PollView(
            String status,
            int verifyIntervalSeconds,
            Instant expiresAt,
            String token,
            Instant tokenExpire,
            String cname) {}

    record TokenView(String id, String token, Instant tokenExpire) {}

    @PostMapping(path = "/api/v1/oauth/requests", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(@RequestBody OAuthRequestBody body, ServerWebExchange exchange) {
        String base = publicUrl(exchange, properties);
        return service.create(body, ClientAddress.of(exchange).getHostAddress()).map(created -> {
            var r = created.request();
            var view = new CreatedView(
                    r.id(),
                    r.appName(),
                    r.scopes(),
                    created.verifyToken(),
                    base + "/oauth/authorize/" + r.id(),
                    base + "/api/v1/oauth/requests/verify?verify_token="
                            + URLEncoder.encode(created.verifyToken(), StandardCharsets.UTF_8),
                    r.intervalSeconds(),
                    r.expiresAt());
            return ResponseEntity.status(HttpStatus.CREATED)
                    .location(URI.create("/oauth/authorize/" + r.id()))
                    .body(ApiEnvelope.ok(
                            "Show redirect_url to the user, then poll verify_url every verify_interval_seconds.",
                            view,
                            List.of(),
                            RequestIds.of(exchange)));
        });
    }

    @GetMapping("/api/v1/oauth/requests/verify")
    Mono<ResponseEntity<ApiEnvelope>> verify(
            @RequestParam(name = "verify_token", required = false) String verifyToken, ServerWebExchange exchange) {
        return service.poll(verifyToken).map(result -> {
            var r = result.request();
            var view = new PollView(
                    result.status(),
                    r.intervalSeconds(),
                    r.expiresAt(),
                    result.token(),
                    result.tokenExpire(),
                    result.cname());
            String message = switch (result.status()) {
                case "slow_down" ->
                    "Polling too fast: wait verify_interval_seconds (now " + r.intervalSeconds() + " s) between polls.";
                case "pending" -> "Waiting for the user.";
                case "approved" ->
                    result.token() != null
                            ? "Approved. The token is shown only this once."
                            : "Approved; the token was handed to an earlier poll.";
                case "denied" -> "The user denied the request.";
                default -> "The request expired; start a new one.";
            };
            var response = ResponseEntity.ok();
            if (result.status().equals("pending") || result.status().equals("slow_down")) {
                response.header(HttpHeaders.RETRY_AFTER, Integer.toString(r.intervalSeconds()));
            }
            response.header(HttpHeaders.CACHE_CONTROL, "no-store");
            return response.body(ApiEnvelope.ok(message, view, List.of(), RequestIds.of(exchange)));
        });
    }

    @PostMapping("/api/v1/oauth/tokens/refresh")
    Mono<ResponseEntity<ApiEnvelope>> refresh(
            @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return service.refresh(caller, RequestIds.of(exchange))
                .map(t -> ResponseEntity.ok()
                        .header(HttpHeaders.CACHE_CONTROL, "no-store")
                        .body(ApiEnvelope.ok(
                                "Token refreshed; the previous token no longer works. The new one is shown only this once.",
                                new TokenView(t.id(), t.token(), t.expiresAt()),
                                List.of(),
                                RequestIds.of(exchange))));
    }

    @DeleteMapping("/api/v1/oauth/tokens")
    Mono<ResponseEntity<ApiEnvelope>> revoke(@AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return service.revoke(caller, RequestIds.of(exchange))
                .map(t -> Responses.ok(exchange, "Token revoked.", new TokenView(t.id(), null, t.expiresAt())));
    }

    /** The API's address as browsers reach it: configured, or this request's scheme and host. */
    static String publicUrl(ServerWebExchange exchange, OAuthProperties properties) {
        if (!properties.publicUrl().isBlank()) {
            return properties.publicUrl().replaceAll("/+$", "");
        }
        URI uri = exchange.getRequest().getURI();
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
