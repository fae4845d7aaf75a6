package io.hostplane.platform;

import io.hostplane.common.event.EventCodec;
import io.hostplane.common.topic.Topics;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.DefaultErrorHandler;

/**
 * Declares the platform's topics so that whichever service starts first creates them (creating an existing
 * topic is a no-op), and provides the event codec, the consumers' error handling and the Kafka health check.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaTopicsConfiguration {

    @Bean
    EventCodec eventCodec() {
        return new EventCodec();
    }

    /**
     * Every consumer of every service: when processing throws (the database or Kafka is down), the same
     * record is retried with growing pauses, never skipped ({@link RetryForever}). Spring Boot applies this
     * bean to the listener container factory; without it a record is skipped after ten quick failures.
     */
    @Bean
    DefaultErrorHandler retryForeverErrorHandler() {
        return RetryForever.errorHandler();
    }

    /**
     * One admin client per service that gives up within seconds, for health checks and meters (Spring's
     * {@link KafkaAdmin} is for creating topics, with long timeouts). Closed with the context.
     */
    @Bean(destroyMethod = "close")
    public Admin quickKafkaAdmin(KafkaAdmin kafkaAdmin) {
        Map<String, Object> config = new LinkedHashMap<>(kafkaAdmin.getConfigurationProperties());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2500);
        return Admin.create(config);
    }

    /** The {@code kafka} health component (bean name minus "HealthIndicator"). */
    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(Admin quickKafkaAdmin) {
        return new KafkaHealthIndicator(quickKafkaAdmin);
    }

    /**
     * The platform's topics. {@code hostplane.audit.retention.topics} (a duration; empty, the default: the
     * broker's own {@code log.retention}) sets {@code retention.ms} of the three topics the audit store consumes;
     * the audit service sets {@code spring.kafka.admin.modify-topic-configs}, so a changed value reaches topics
     * that exist already (docs/audit.md, Retention).
     */
    @Bean
    KafkaAdmin.NewTopics hostplaneTopics(
            @Value("${hostplane.kafka.partitions:12}") int partitions,
            @Value("${hostplane.kafka.replication-factor:1}") short replicationFactor,
            @Value("${hostplane.audit.retention.topics:}") String auditTopicRetention) {
        Map<String, String> audited = auditTopicRetention.isBlank()
                ? Map.of()
                : Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(DurationStyle.detectAndParse(auditTopicRetention)
                                .toMillis()));
        return new KafkaAdmin.NewTopics(
                topic(Topics.COMMANDS, partitions, replicationFactor, audited),
                topic(Topics.JOB_EVENTS, partitions, replicationFactor, audited),
                topic(Topics.AUDIT, partitions, replicationFactor, audited),
                topic(Topics.AUDIT_REPLAYS, 1, replicationFactor, Map.of()),
                topic(Topics.COMMANDS_DLQ, 1, replicationFactor, Map.of()));
    }

    private static NewTopic topic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
        return TopicBuilder.name(name)
                .partitions(partitions)
                .replicas(replicationFactor)
                .configs(configs)
                .build();
    }
}
