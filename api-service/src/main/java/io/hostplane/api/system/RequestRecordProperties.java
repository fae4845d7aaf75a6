package io.hostplane.api.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The records of requests sent to the audit topic ({@link RequestRecordBuffer}).
 *
 * @param bufferSize records a replica keeps while Kafka is slow or away
 * @param refuseWhenFull whether new requests are refused with {@code 503} while the buffer is full (true), or
 *     served with their records dropped and counted ({@code hostplane.request.records.dropped})
 */
@ConfigurationProperties("hostplane.audit.requests")
public record RequestRecordProperties(
        @DefaultValue("20000") int bufferSize,
        @DefaultValue("true") boolean refuseWhenFull) {}
