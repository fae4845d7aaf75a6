package io.hostplane.api.system;

import io.hostplane.common.envelope.FieldError;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A request that cannot be answered with success, carrying the status and what to tell the caller. Mapped
 * to the error envelope in one place ({@link ApiErrorHandler}).
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    public ApiException(HttpStatus status, String message, List<FieldError> errors, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, message, null, null);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(HttpStatus.FORBIDDEN, message, null, null);
    }

    public static ApiException badRequest(String message, List<FieldError> errors) {
        return new ApiException(HttpStatus.BAD_REQUEST, message, errors, null);
    }

    public static ApiException conflict(String message, String code) {
        return new ApiException(HttpStatus.CONFLICT, message, List.of(new FieldError(null, code, message)), null);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, message, null, Map.of("Retry-After", "5"));
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
