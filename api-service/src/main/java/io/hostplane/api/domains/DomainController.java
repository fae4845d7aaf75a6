package io.hostplane.api.domains;

import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code /api/v1/domains}: list, read, add (a job). */
@RestController
@RequestMapping("/api/v1/domains")
class DomainController {

    private final DomainStore domains;
    private final DomainService service;
    private final DomainDeletion deletion;
    private final OwnedDomains owned;
    private final Cursors cursors;

    DomainController(
            DomainStore domains, DomainService service, DomainDeletion deletion, OwnedDomains owned, Cursors cursors) {
        this.owned = owned;
        this.cursors = cursors;
        this.domains = domains;
        this.service = service;
        this.deletion = deletion;
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        Paging.checkLimit(limit);
        Cursors.Query pages = cursors.query("domains", caller);
        return domains.list(caller.isOperator() ? null : caller.tenant(), pages.after(cursor), limit + 1)
                .filter(d -> caller.mayActOn(d.name()))
                .collectList()
                .map(rows -> Paging.page(rows, limit, d -> pages.next(d.name())))
                .map(page -> Responses.ok(exchange, page.items().size() + " domains.", page));
    }

    @GetMapping("/{domain}")
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String domain, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return owned.find(domain, caller).map(d -> Responses.ok(exchange, "Domain " + d.name() + ".", d));
    }

    /** Deletes the domain and its zone (a job); 409 while it is still being created. */
    @DeleteMapping("/{domain}")
    Mono<ResponseEntity<ApiEnvelope>> delete(
            @PathVariable String domain, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return owned.find(domain, caller)
                .flatMap(d -> deletion.delete(d, caller, RequestIds.of(exchange)))
                .map(job -> Responses.accepted(exchange, job.id(), job));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(
            @RequestBody NewDomainBody body, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        if (caller.tenant() == null) {
            throw ApiException.badRequest("The platform operator has no tenant; use a tenant's token.", List.of());
        }
        return service.create(caller.tenant(), body.name(), caller, RequestIds.of(exchange))
                .map(job -> Responses.accepted(exchange, job.id(), job));
    }
}
