package io.hostplane.platform;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * The {@code kafka} component of every service's {@code /actuator/health} and readiness group: up when the
 * cluster answers a describe within 2.5 s. A service that cannot reach Kafka cannot do its work (the API
 * still accepts jobs into its outbox, but a replica that cannot relay them should not take new traffic
 * when another one can).
 */
public class KafkaHealthIndicator implements HealthIndicator, DisposableBean {

    private final Admin admin;

    public KafkaHealthIndicator(KafkaAdmin kafkaAdmin) {
        this.admin = quickAdmin(kafkaAdmin);
    }

    /** An admin client that gives up within seconds, for health checks and meters (not for topic creation). */
    public static Admin quickAdmin(KafkaAdmin kafkaAdmin) {
        Map<String, Object> config = new LinkedHashMap<>(kafkaAdmin.getConfigurationProperties());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2500);
        return Admin.create(config);
    }

    @Override
    public Health health() {
        try {
            int brokers = admin.describeCluster()
                    .nodes()
                    .get(2500, TimeUnit.MILLISECONDS)
                    .size();
            return Health.up().withDetail("brokers", brokers).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("error", "interrupted").build();
        } catch (Exception e) {
            return Health.down()
                    .withDetail("error", e.getClass().getSimpleName())
                    .build();
        }
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
