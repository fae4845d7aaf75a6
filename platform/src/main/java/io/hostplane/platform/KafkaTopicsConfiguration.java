package io.hostplane.platform;

import io.hostplane.common.event.EventCodec;
import io.hostplane.common.topic.Topics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
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
@EnableConfigurationProperties({KafkaTopicsProperties.class, KafkaTopicsProperties.AuditTopicRetention.class})
public class KafkaTopicsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopicsConfiguration.class);

    /** The topics whose records are keyed to keep an order: their partition count is never raised here. */
    static final List<String> KEYED = List.of(Topics.COMMANDS, Topics.JOB_EVENTS, Topics.AUDIT);

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
     *
     * <p>{@code hostplane.kafka.partitions} applies when a topic is created. A keyed topic that exists keeps its
     * partition count whatever the setting says: Spring's {@link KafkaAdmin} would otherwise add partitions at the
     * next start, which moves keys to other partitions — a zone's later commands could then overtake its earlier
     * ones, and their outcomes' sequences (offsets) would no longer grow. A mismatch is logged; widening a topic is
     * an operator's deliberate step (docs/capacity.md, "Partitions").
     */
    @Bean
    KafkaAdmin.NewTopics hostplaneTopics(
            KafkaTopicsProperties settings,
            KafkaTopicsProperties.AuditTopicRetention retention,
            Admin quickKafkaAdmin) {
        return new KafkaAdmin.NewTopics(
                topics(settings, retention, existingPartitions(quickKafkaAdmin)).toArray(NewTopic[]::new));
    }

    /** The topics to declare, given the partition counts of the keyed topics that exist. */
    static List<NewTopic> topics(
            KafkaTopicsProperties settings,
            KafkaTopicsProperties.AuditTopicRetention retention,
            Map<String, Integer> existing) {
        Map<String, String> audited = retention.topics() == null
                ? Map.of()
                : Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(retention.topics().toMillis()));
        short replicas = settings.replicationFactor();
        return List.of(
                topic(Topics.COMMANDS, partitions(Topics.COMMANDS, settings, existing), replicas, audited),
                topic(Topics.JOB_EVENTS, partitions(Topics.JOB_EVENTS, settings, existing), replicas, audited),
                topic(Topics.AUDIT, partitions(Topics.AUDIT, settings, existing), replicas, audited),
                topic(Topics.AUDIT_REPLAYS, 1, replicas, Map.of()),
                topic(Topics.COMMANDS_DLQ, 1, replicas, Map.of()));
    }

    /** The partitions to declare for a keyed topic: its own if it exists, else the setting. */
    static int partitions(String topic, KafkaTopicsProperties settings, Map<String, Integer> existing) {
        Integer has = existing.get(topic);
        if (has == null) {
            return settings.partitions();
        }
        if (has != settings.partitions()) {
            log.warn(
                    "hostplane.kafka.partitions is {} but topic {} has {} partitions; keeping {} (a keyed topic's "
                            + "partitions are never changed on start: see docs/capacity.md, Partitions)",
                    settings.partitions(),
                    topic,
                    has,
                    has);
        }
        return has;
    }

    /** The partition counts of the keyed topics that exist; empty when Kafka cannot say (they are then created). */
    static Map<String, Integer> existingPartitions(Admin admin) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try {
            Set<String> names = admin.listTopics().names().get(5, TimeUnit.SECONDS);
            List<String> keyed = KEYED.stream().filter(names::contains).toList();
            if (!keyed.isEmpty()) {
                admin.describeTopics(keyed)
                        .allTopicNames()
                        .get(5, TimeUnit.SECONDS)
                        .forEach((name, description) ->
                                counts.put(name, description.partitions().size()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.info(
                    "could not read the existing topics' partitions ({}); declaring the configured count",
                    e.toString());
        }
        return counts;
    }

    private static NewTopic topic(String name, int partitions, short replicationFactor, Map<String, String> configs) {
        return TopicBuilder.name(name)
                .partitions(partitions)
                .replicas(replicationFactor)
                .configs(configs)
                .build();
    }
}
