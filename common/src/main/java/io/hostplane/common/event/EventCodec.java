package io.hostplane.common.event;

import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes {@link CloudEvent}s as JSON. The one place that decides the wire form of events:
 * snake_case fields, ISO-8601 times, unknown fields ignored so that newer producers do not break older
 * consumers.
 */
public final class EventCodec {

    private final JsonMapper mapper;

    public EventCodec() {
        this.mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    /** Builds an event around {@code data}; {@code id} is a fresh UUIDv7. */
    public CloudEvent event(
            String source,
            String type,
            String subject,
            String tenant,
            String requestId,
            String jobId,
            String traceparent,
            Object data) {
        return command(source, type, subject, tenant, requestId, jobId, traceparent, null, data);
    }

    /** A command: an event that also names the token that asked for the job, by id ({@code tokenid}). */
    public CloudEvent command(
            String source,
            String type,
            String subject,
            String tenant,
            String requestId,
            String jobId,
            String traceparent,
            String tokenId,
            Object data) {
        return new CloudEvent(
                CloudEvent.SPEC_VERSION,
                io.hostplane.common.id.Ids.uuidV7().toString(),
                source,
                type,
                Instant.now(),
                subject,
                CloudEvent.JSON,
                tenant,
                traceparent,
                requestId,
                jobId,
                mapper.valueToTree(data),
                tokenId);
    }

    public String write(CloudEvent event) {
        return mapper.writeValueAsString(event);
    }

    /**
     * Parses an event. Throws {@link MalformedEventException} when the text is not JSON or lacks a required
     * CloudEvents attribute.
     */
    public CloudEvent read(String json) {
        CloudEvent event;
        try {
            event = mapper.readValue(json, CloudEvent.class);
        } catch (JacksonException e) {
            throw new MalformedEventException("not a CloudEvent in JSON: " + e.getOriginalMessage(), e);
        }
        return checked(event);
    }

    /**
     * {@link #read(String)} for an event whose JSON the caller has already parsed into a tree (the audit ingestor
     * parses each record once for both the event and its canonical form).
     */
    public CloudEvent read(JsonNode tree) {
        CloudEvent event;
        try {
            event = mapper.treeToValue(tree, CloudEvent.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new MalformedEventException("not a CloudEvent in JSON: " + e.getMessage(), e);
        }
        return checked(event);
    }

    private static CloudEvent checked(CloudEvent event) {
        if (event == null
                || event.id() == null
                || event.source() == null
                || event.type() == null
                || !CloudEvent.SPEC_VERSION.equals(event.specversion())) {
            throw new MalformedEventException("missing id, source, type or specversion 1.0", null);
        }
        return event;
    }

    /** The event's {@code data} as {@code type}; throws {@link MalformedEventException} if it does not fit. */
    public <T> T data(CloudEvent event, Class<T> type) {
        try {
            return mapper.treeToValue(event.data(), type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new MalformedEventException("data of " + event.type() + " does not fit " + type.getSimpleName(), e);
        }
    }

    public JsonNode tree(Object value) {
        return mapper.valueToTree(value);
    }

    /** An event that cannot be read at all; such records go to a dead-letter topic. */
    public static final class MalformedEventException extends RuntimeException {
        public MalformedEventException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
