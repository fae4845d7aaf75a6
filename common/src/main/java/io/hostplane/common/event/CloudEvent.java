package io.hostplane.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * A CloudEvents 1.0 event in structured JSON mode. Besides the required attributes it carries the
 * extensions {@code tenant}, {@code traceparent} (where a trace exists), {@code requestid} (the API request
 * that caused it), {@code jobid} (the job it belongs to) and, on commands, {@code tokenid} (the id of the token
 * that asked for the job — an id, never the token), so that consumers can route, filter and log without
 * reading {@code data}. {@code (source, id)} is unique.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent(
        String specversion,
        String id,
        String source,
        String type,
        Instant time,
        String subject,
        String datacontenttype,
        String tenant,
        String traceparent,
        String requestid,
        String jobid,
        JsonNode data,
        String tokenid) {

    /** Without {@code tokenid}: every event but a command. */
    public CloudEvent(
            String specversion,
            String id,
            String source,
            String type,
            Instant time,
            String subject,
            String datacontenttype,
            String tenant,
            String traceparent,
            String requestid,
            String jobid,
            JsonNode data) {
        this(
                specversion,
                id,
                source,
                type,
                time,
                subject,
                datacontenttype,
                tenant,
                traceparent,
                requestid,
                jobid,
                data,
                null);
    }

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";
}
