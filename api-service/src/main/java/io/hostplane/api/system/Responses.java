package io.hostplane.api.system;

import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.job.Warning;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.server.ServerWebExchange;

/** Success envelopes for controllers. */
public final class Responses {

    private Responses() {}

    public static ResponseEntity<ApiEnvelope> ok(ServerWebExchange exchange, String message, Object data) {
        return ResponseEntity.ok(ApiEnvelope.ok(message, data, List.of(), RequestIds.of(exchange)));
    }

    public static ResponseEntity<ApiEnvelope> ok(
            ServerWebExchange exchange, String message, Object data, List<Warning> warnings) {
        return ResponseEntity.ok(ApiEnvelope.ok(message, data, warnings, RequestIds.of(exchange)));
    }

    /** {@code 202 Accepted} with the job as {@code data} and {@code Location: /api/v1/jobs/{id}}. */
    public static ResponseEntity<ApiEnvelope> accepted(ServerWebExchange exchange, String jobId, Object job) {
        RequestIds.jobCreated(exchange, jobId);
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .location(URI.create("/api/v1/jobs/" + jobId))
                .body(ApiEnvelope.ok("Job accepted.", job, List.of(), RequestIds.of(exchange)));
    }
}
