package io.hostplane.api.callbacks;

import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code GET /api/v1/jobs/{id}/deliveries}: a job's completion callback, seen from the callbacks feature. */
@RestController
class CallbackDeliveriesController {

    private final JobService jobs;
    private final CallbackStore callbacks;

    CallbackDeliveriesController(JobService jobs, CallbackStore callbacks) {
        this.jobs = jobs;
        this.callbacks = callbacks;
    }

    /** The job's completion callback: its URL, state and every attempt (empty when the job names none). */
    record Deliveries(
            String jobId,
            String callbackUrl,
            String state,
            int attempts,
            Instant nextAttemptAt,
            Instant finishedAt,
            List<CallbackStore.Attempt> items) {}

    @GetMapping("/api/v1/jobs/{id}/deliveries")
    Mono<ResponseEntity<ApiEnvelope>> deliveries(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        UUID jobId = JobService.idOf(id);
        return jobs.visibleTo(jobId, caller)
                .flatMap(job -> callbacks
                        .delivery(jobId)
                        .flatMap(d -> callbacks
                                .attempts(jobId)
                                .collectList()
                                .map(attempts -> new Deliveries(
                                        job.id(),
                                        d.url(),
                                        d.state(),
                                        d.attempts(),
                                        d.state().equals("pending") ? d.nextAttemptAt() : null,
                                        d.finishedAt(),
                                        attempts)))
                        // No delivery yet: the job names no callback, or has not finished.
                        .switchIfEmpty(callbacks
                                .urlOf(jobId)
                                .map(url -> new Deliveries(job.id(), url, "waiting", 0, null, null, List.of()))
                                .defaultIfEmpty(new Deliveries(job.id(), null, "none", 0, null, null, List.of()))))
                .map(d -> Responses.ok(exchange, d.items().size() + " delivery attempts.", d));
    }
}
