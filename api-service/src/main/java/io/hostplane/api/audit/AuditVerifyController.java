package io.hostplane.api.audit;

import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/audit/verify?tenant=…&from=…&to=…}: recomputes the hash chains holding the tenant's events in
 * the range and answers {@code data.valid} with the first broken link. A tenant token verifies its own tenant (and
 * another tenant's name is a 404); the operator any tenant, or every chain without {@code tenant}.
 */
@RestController
class AuditVerifyController {

    /** Filters of {@code /audit/events} that verification refuses with a 400. */
    private static final String[] REFUSED = {"type", "actor", "resource", "job_id", "request_id", "outcome", "cursor"};

    private final AuditVerifier verifier;
    private final AuditApiProperties properties;

    AuditVerifyController(AuditVerifier verifier, AuditApiProperties properties) {
        this.verifier = verifier;
        this.properties = properties;
    }

    @InitBinder
    void queryValues(WebDataBinder binder) {
        AuditQueryValues.register(binder);
    }

    @GetMapping("/api/v1/audit/verify")
    Mono<ResponseEntity<ApiEnvelope>> verify(
            @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        // The query filters are not parameters of verification (it checks whole chains): named only to refuse them.
        MultiValueMap<String, String> given = exchange.getRequest().getQueryParams();
        for (String filter : REFUSED) {
            if (given.containsKey(filter)) {
                throw AuditQuery.bad(filter, "Verification takes tenant, from and to only.");
            }
        }
        // Nor is order (verification has no order), but a malformed one stays a 400, as it always was.
        AuditQuery query = AuditQuery.parse(
                AuditQuery.filters(tenant, from, to, null, null, null, null, null, null, given.getFirst("order")),
                caller,
                properties.tenantMaxRange());
        return verifier.verify(query)
                .map(v -> Responses.ok(
                        exchange,
                        v.valid()
                                ? "Verified " + v.linksChecked() + " links in " + v.chains() + " chains."
                                : "Chain broken at " + v.firstBroken().topic() + "/"
                                        + v.firstBroken().partition() + "@"
                                        + v.firstBroken().offset() + ".",
                        v));
    }
}
