package io.hostplane.api.audit;

import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.Responses;
import io.hostplane.api.tokens.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code GET /api/v1/audit/events}: the audit log, confined to the caller's tenant, newest first. */
@RestController
@RequestMapping("/api/v1/audit")
class AuditEventController {

    private final AuditEventStore events;

    AuditEventController(AuditEventStore events) {
        this.events = events;
    }

    @GetMapping("/events")
    Mono<ResponseEntity<ApiEnvelope>> events(
            @RequestParam(name = "job_id", required = false) String jobId,
            @RequestParam(name = "request_id", required = false) String requestId,
            @RequestParam(name = "type", required = false) List<String> types,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        Paging.checkLimit(limit);
        Long before = null;
        if (cursor != null) {
            try {
                before = Long.parseLong(cursor);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest(
                        "Invalid cursor.",
                        List.of(new FieldError("cursor", ErrorCodes.INVALID, "Not a cursor from this API.")));
            }
        }
        AuditEventStore.Filter filter = new AuditEventStore.Filter(
                caller.isOperator() ? null : caller.tenant(),
                jobId,
                requestId,
                types == null ? List.of() : types,
                before);
        return events.find(filter, limit + 1)
                .collectList()
                .map(rows -> Paging.page(rows, limit, event -> String.valueOf(event.seq())))
                .map(page -> Responses.ok(exchange, page.items().size() + " events.", page));
    }
}
