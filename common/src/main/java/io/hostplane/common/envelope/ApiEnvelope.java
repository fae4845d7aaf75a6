package io.hostplane.common.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hostplane.common.job.Warning;
import java.time.Instant;
import java.util.List;

/**
 * The one JSON envelope of every API response, errors included (DESIGN.md, "HTTP conventions"). A success
 * has {@code message}, {@code data} and {@code warnings}; an error has {@code status}, {@code error},
 * {@code message} and {@code errors}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiEnvelope(
        boolean success,
        Integer status,
        String error,
        String message,
        Object data,
        List<Warning> warnings,
        List<FieldError> errors,
        String requestId,
        Instant timestamp) {

    public static ApiEnvelope ok(String message, Object data, List<Warning> warnings, String requestId) {
        return new ApiEnvelope(
                true,
                null,
                null,
                message,
                data,
                warnings == null ? List.of() : warnings,
                null,
                requestId,
                Instant.now());
    }

    public static ApiEnvelope failure(
            int status, String reason, String message, List<FieldError> errors, String requestId) {
        return new ApiEnvelope(
                false,
                status,
                reason,
                message,
                null,
                null,
                errors == null ? List.of() : errors,
                requestId,
                Instant.now());
    }
}
