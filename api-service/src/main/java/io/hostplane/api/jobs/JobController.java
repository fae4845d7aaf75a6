package io.hostplane.api.jobs;

import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Responses;
import io.hostplane.api.tokens.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.Page;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Job polling: one job, or the caller's jobs newest first. */
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    /** Seconds a poller should wait before asking again about a job that is not finished. */
    static final String RETRY_AFTER_SECONDS = "2";

    private final JobService jobs;
    private final JobStore store;

    JobController(JobService jobs, JobStore store) {
        this.jobs = jobs;
        this.store = store;
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        UUID jobId = parse(id);
        return jobs.find(jobId)
                .filter(job -> caller.canAccessTenant(job.tenant()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No job " + id + ".")))
                .map(job -> {
                    ResponseEntity<ApiEnvelope> response =
                            Responses.ok(exchange, "Job " + job.status().wireName() + ".", job);
                    if (!job.status().isTerminal()) {
                        return ResponseEntity.status(response.getStatusCode())
                                .header("Retry-After", RETRY_AFTER_SECONDS)
                                .body(response.getBody());
                    }
                    return response;
                });
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        if (limit < 1 || limit > 200) {
            throw ApiException.badRequest(
                    "limit must be between 1 and 200.",
                    List.of(new io.hostplane.common.envelope.FieldError("limit", "INVALID", "Between 1 and 200.")));
        }
        UUID before = cursor == null ? null : parse(cursor);
        String tenant = caller.isOperator() ? null : caller.tenant();
        return store.list(tenant, before, limit + 1).collectList().map(rows -> {
            boolean more = rows.size() > limit;
            List<JobView> items = more ? rows.subList(0, limit) : rows;
            String next = more ? items.get(items.size() - 1).id() : null;
            return Responses.ok(exchange, items.size() + " jobs.", new Page<>(items, next));
        });
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("No job " + id + ".");
        }
    }
}
