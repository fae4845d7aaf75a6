package io.hostplane.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The platform's topics as the first service to start creates them ({@code hostplane.kafka.*}).
 *
 * @param partitions partitions of {@code hostplane.commands}, {@code hostplane.job-events} and {@code hostplane.audit}
 *     when they are created; topics that exist keep theirs (see {@link KafkaTopicsConfiguration})
 * @param replicationFactor replicas of every topic when it is created
 */
@ConfigurationProperties("hostplane.kafka")
public record KafkaTopicsProperties(
        @DefaultValue("12") int partitions,
        @DefaultValue("1") short replicationFactor) {

    public KafkaTopicsProperties {
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("hostplane.kafka.partitions and replication-factor must be at least 1");
        }
    }

    /**
     * {@code retention.ms} of the three topics the audit store consumes ({@code hostplane.audit.retention.topics}, a
     * duration); empty or absent, the default: the broker's own {@code log.retention}.
     *
     * @param topics {@code retention.ms} of {@code hostplane.commands}, {@code hostplane.job-events} and {@code
     *     hostplane.audit} when the topics are declared; empty: the broker's own retention
     */
    @ConfigurationProperties("hostplane.audit.retention")
    public record AuditTopicRetention(java.time.Duration topics) {}
}
