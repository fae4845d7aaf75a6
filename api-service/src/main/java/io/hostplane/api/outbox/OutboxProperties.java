package io.hostplane.api.outbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How outbox rows reach Kafka.
 *
 * @param publishTimeout how long the replica that wrote rows has to get Kafka's acknowledgement for them before
 *     it hands them to the relay (and answers its callers all the same: the rows are durable)
 * @param recoveryInterval how often the relay looks for rows past their {@code publish_by} when nothing wakes it
 * @param batchSize the most rows the relay sends in one transaction
 */
@ConfigurationProperties("hostplane.outbox")
public record OutboxProperties(
        @DefaultValue("5s") Duration publishTimeout,
        @DefaultValue("1s") Duration recoveryInterval,
        @DefaultValue("500") int batchSize) {}
