package io.hostplane.platform;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code kafka} component of every service's {@code /actuator/health} and readiness group: up when the
 * cluster answers a describe within 2.5 s. A service that cannot reach Kafka cannot do its work (the API
 * still accepts jobs into its outbox, but a replica that cannot relay them should not take new traffic
 * when another one can).
 */
public class KafkaHealthIndicator implements HealthIndicator {

    private final Admin admin;

    /** {@code admin}: the service's quick admin client ({@link KafkaTopicsConfiguration#quickKafkaAdmin}). */
    public KafkaHealthIndicator(Admin admin) {
        this.admin = admin;
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
}
