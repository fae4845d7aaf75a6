package io.hostplane.audit.stream;

import java.time.Instant;

/**
 * One stored event a stream read, at its place in its chain. {@code carried} is false for events the stream's
 * tenant, types or start skip: they move the position on but are not sent ({@code json} is then null).
 */
record StreamEvent(
        String topic,
        int partition,
        long offset,
        boolean carried,
        String eventId,
        String type,
        String tenant,
        Instant time,
        String json) {

    Chain chain() {
        return new Chain(topic, partition);
    }
}
