package io.hostplane.platform;

/**
 * The MDC keys the services put on their log lines, and so the JSON fields of those lines besides the ones
 * Spring Boot's structured logging writes itself ({@code trace_id} and {@code span_id} are Micrometer Tracing's
 * {@code traceId} and {@code spanId}, renamed in each service's configuration). Ids only: a token, password or
 * key never goes into the MDC.
 */
public final class LogFields {

    /** The API request (its {@code X-Request-Id}), on the request's lines and on the lines of the job it created. */
    public static final String REQUEST_ID = "request_id";

    /** The account the request or job belongs to (absent for the platform operator and before authentication). */
    public static final String TENANT = "tenant";

    /** The id of the token that authenticated the request, never the token. */
    public static final String TOKEN_ID = "token_id";

    /** The job the worker is handling. */
    public static final String JOB_ID = "job_id";

    private LogFields() {}
}
