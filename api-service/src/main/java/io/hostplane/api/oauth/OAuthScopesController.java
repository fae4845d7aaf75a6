package io.hostplane.api.oauth;

import io.hostplane.api.system.Responses;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.Page;
import io.hostplane.common.scope.Scope;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/** {@code GET /api/v1/oauth/scopes} (public): the scopes an app may ask for. */
@RestController
class OAuthScopesController {

    record ScopeView(String name, String description) {}

    private static final List<ScopeView> SCOPES = Arrays.stream(Scope.values())
            .filter(s -> !s.isOperatorOnly())
            .map(s -> new ScopeView(s.wireName(), describe(s)))
            .toList();

    @GetMapping("/api/v1/oauth/scopes")
    ResponseEntity<ApiEnvelope> scopes(ServerWebExchange exchange) {
        return Responses.ok(exchange, SCOPES.size() + " scopes.", new Page<>(SCOPES, null));
    }

    /** A sentence for a scope as an app asks for it ({@code *} included), for the approval page. */
    static String describe(String wireName) {
        if (Scope.ALL.equals(wireName)) {
            return "Everything in your account except platform administration.";
        }
        return Scope.fromWireName(wireName).map(OAuthScopesController::describe).orElse(wireName);
    }

    private static String describe(Scope scope) {
        String[] parts = scope.wireName().split("\\.");
        String what = switch (parts[0]) {
            case "profile" -> "your profile";
            case "tokens" -> "API tokens";
            case "domains" -> "domains";
            case "dns" -> "DNS records and zone files";
            case "ssl" -> "TLS certificates";
            case "backups" -> "backups";
            case "jobs" -> "jobs";
            case "audit" -> "the audit log";
            case "webhooks" -> "webhook subscriptions and their deliveries";
            case "websites" -> "websites (nginx sites) and their deployments";
            default -> "platform settings";
        };
        return switch (parts[1]) {
            case "read" -> "Read " + what + ".";
            case "write" -> "Change " + what + ".";
            case "replay" -> "Replay " + what + ".";
            case "stream" -> "Stream " + what + " to your own collectors.";
            default -> "Administer " + what + ".";
        };
    }
}
