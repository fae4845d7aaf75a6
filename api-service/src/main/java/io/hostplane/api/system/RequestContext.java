package io.hostplane.api.system;

import io.hostplane.api.system.security.ApiPrincipal;
import java.util.function.Function;
import org.springframework.web.server.ServerWebExchange;

/**
 * What is known about the request being answered, filled in as it passes the filters: its id, its trace
 * context, and the authenticated caller (set by token introspection, which sees no exchange), read by the
 * request recorder once the response is written, whatever the outcome (401 and 429 included), and put on the
 * request's log lines ({@link RequestLogContext}).
 */
public final class RequestContext {

    /** Reactor context key and exchange attribute name. */
    public static final String KEY = "hostplane.requestContext";

    private final String requestId;
    private final String traceparent;
    private volatile ApiPrincipal caller;
    private volatile Function<String, RequestRecordMessage> recordWithJob;
    private volatile boolean recordKept;

    RequestContext(String requestId, String traceparent) {
        this.requestId = requestId;
        this.traceparent = traceparent;
    }

    public static RequestContext of(ServerWebExchange exchange) {
        return exchange.getAttribute(KEY);
    }

    public String requestId() {
        return requestId;
    }

    /**
     * The W3C {@code traceparent} of the request's server span (the caller's trace, continued, or a new one), for
     * the events the request causes; null without tracing.
     */
    public String traceparent() {
        return traceparent;
    }

    public ApiPrincipal caller() {
        return caller;
    }

    public void authenticated(ApiPrincipal caller) {
        this.caller = caller;
        RequestLogContext.authenticated(this);
    }

    /** A request record as a Kafka record of {@code hostplane.audit}, to be kept with the job the request creates. */
    public record RequestRecordMessage(String topic, String key, String payload) {}

    /**
     * This request's record as if it were answered now with {@code 202} and job {@code jobId}, for the job's own
     * transaction (so that a crash right after the {@code 202} cannot lose it); null when nothing records this
     * request. Call {@link #recordKept()} once that transaction has committed.
     */
    public RequestRecordMessage recordWithJob(String jobId) {
        Function<String, RequestRecordMessage> recorder = recordWithJob;
        return recorder == null ? null : recorder.apply(jobId);
    }

    /** The request record travelled with the job: the recorder writes none after the response. */
    public void recordKept() {
        this.recordKept = true;
    }

    boolean isRecordKept() {
        return recordKept;
    }

    void recordsWith(Function<String, RequestRecordMessage> recorder) {
        this.recordWithJob = recorder;
    }
}
