package io.hostplane.api.audit;

import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.InitBinder;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/audit/events} (a page, newest first unless {@code order=asc}) and {@code GET
 * /api/v1/audit/export} (every match as NDJSON, one CloudEvent a line, streamed; with {@code proof=true} the
 * matches with the chain segments that prove them, {@link AuditProofExport}). Tenant tokens see their own tenant
 * within {@code hostplane.audit.tenant-max-range}; the operator sees every tenant.
 */
@RestController
@RequestMapping("/api/v1/audit")
class AuditEventController {

    static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private final AuditEventStore events;
    private final AuditProofExport proofs;
    private final AuditApiProperties properties;
    private final Cursors cursors;

    AuditEventController(
            AuditEventStore events, AuditProofExport proofs, AuditApiProperties properties, Cursors cursors) {
        this.events = events;
        this.proofs = proofs;
        this.cursors = cursors;
        this.properties = properties;
    }

    @InitBinder
    void queryValues(WebDataBinder binder) {
        AuditQueryValues.register(binder);
    }

    @GetMapping("/events")
    Mono<ResponseEntity<ApiEnvelope>> events(
            @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(name = "type", required = false) List<String> types,
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String resource,
            @RequestParam(name = "job_id", required = false) String jobId,
            @RequestParam(name = "request_id", required = false) String requestId,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String order,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        Paging.checkLimit(limit);
        AuditQuery query = AuditQuery.parse(
                AuditQuery.filters(tenant, from, to, types, actor, resource, jobId, requestId, outcome, order),
                caller,
                properties.tenantMaxRange());
        Cursors.Query pages = cursors.query("audit/events", caller, query.fingerprint());
        AuditQuery.Position after = null;
        AuditQuery.Continued continued = pages.after(cursor, query::after);
        if (continued != null) {
            query = continued.query();
            after = continued.position();
        }
        AuditQuery q = query;
        String note = q.capped()
                ? " (tenant tokens see at most " + properties.tenantMaxRange().toDays() + " days at once: from "
                        + q.from() + ")"
                : "";
        return events.find(q, after, limit + 1)
                .collectList()
                .map(rows -> Paging.page(
                        rows, limit, e -> pages.next(q.position(new AuditQuery.Position(e.time(), e.seq())))))
                .map(page -> Responses.ok(exchange, page.items().size() + " events." + note, page));
    }

    @GetMapping("/export")
    Mono<Void> export(
            @RequestParam(required = false) String tenant,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(name = "type", required = false) List<String> types,
            @RequestParam(required = false) String actor,
            @RequestParam(required = false) String resource,
            @RequestParam(name = "job_id", required = false) String jobId,
            @RequestParam(name = "request_id", required = false) String requestId,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String order,
            @RequestParam(required = false) String proof,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        boolean withProof = proof(proof, order);
        AuditQuery query = AuditQuery.parse(
                AuditQuery.filters(tenant, from, to, types, actor, resource, jobId, requestId, outcome, order),
                caller,
                properties.tenantMaxRange());
        // Not a parameter of the export (nothing to continue from): named only to refuse it.
        if (exchange.getRequest().getQueryParams().getFirst("cursor") != null) {
            throw AuditQuery.bad("cursor", "The export takes no cursor: it streams every match.");
        }
        ServerHttpResponse response = exchange.getResponse();
        response.getHeaders().setContentType(NDJSON);
        DataBufferFactory buffers = response.bufferFactory();
        // Lines travel in groups of up to 256 (one buffer, one write each): bounded memory, fewer flushes.
        return response.writeWith((withProof ? proofs.export(query) : events.export(query))
                .buffer(256)
                .map(lines -> {
                    StringBuilder chunk = new StringBuilder(lines.size() * 512);
                    lines.forEach(line -> chunk.append(line).append('\n'));
                    return buffers.wrap(chunk.toString().getBytes(StandardCharsets.UTF_8));
                }));
    }

    /**
     * Whether the export carries its proof: {@code true} or {@code false} (absent: false), anything else a 400. A
     * proof export is in chain order (topic, partition, offset), so {@code order} does not apply to it and is refused
     * rather than silently ignored.
     */
    private static boolean proof(String proof, String order) {
        if (proof == null || proof.equals("false")) {
            return false;
        }
        if (!proof.equals("true")) {
            throw AuditQuery.bad("proof", "true or false.");
        }
        if (order != null) {
            throw AuditQuery.bad("order", "A proof export is in chain order (topic, partition, offset): no order.");
        }
        return true;
    }
}
