package io.hostplane.api.system;

import io.hostplane.common.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks what {@code GET /api/v1/health} reports: PostgreSQL answers, Kafka answers, and at least one
 * worker and one audit consumer are members of their consumer groups. The answer is cached for a second
 * so that a busy load balancer does not turn health checks into load.
 */
@Component
class HealthProbe {

    private static final Duration CACHE = Duration.ofSeconds(1);

    record Status(String status, String detail) {}

    record Report(boolean up, Map<String, Status> components) {}

    private final DatabaseClient db;
    private final Admin admin;
    private volatile Report last;
    private volatile Instant lastAt = Instant.EPOCH;

    HealthProbe(DatabaseClient db, Admin quickKafkaAdmin) {
        this.db = db;
        this.admin = quickKafkaAdmin;
    }

    Mono<Report> check() {
        Report cached = last;
        if (cached != null && lastAt.plus(CACHE).isAfter(Instant.now())) {
            return Mono.just(cached);
        }
        Mono<Status> postgres = db.sql("select 1")
                .fetch()
                .rowsUpdated()
                .then(Mono.just(new Status("up", null)))
                .timeout(Duration.ofSeconds(2))
                .onErrorResume(e -> Mono.just(
                        new Status("down", "PostgreSQL: " + e.getClass().getSimpleName())));
        Mono<Map<String, Status>> kafka =
                Mono.fromCallable(this::kafkaComponents).subscribeOn(Schedulers.boundedElastic());
        return Mono.zip(postgres, kafka).map(t -> {
            Map<String, Status> components = new LinkedHashMap<>();
            components.put("api", new Status("up", null));
            components.put("postgres", t.getT1());
            components.putAll(t.getT2());
            boolean up = components.values().stream().allMatch(c -> c.status().equals("up"));
            Report report = new Report(up, components);
            last = report;
            lastAt = Instant.now();
            return report;
        });
    }

    private Map<String, Status> kafkaComponents() {
        Map<String, Status> out = new LinkedHashMap<>();
        try {
            admin.describeCluster().nodes().get(2500, TimeUnit.MILLISECONDS);
            out.put("kafka", new Status("up", null));
        } catch (Exception e) {
            out.put("kafka", new Status("down", "Kafka: " + e.getClass().getSimpleName()));
            out.put("workers", new Status("unknown", "Kafka is down"));
            out.put("audit", new Status("unknown", "Kafka is down"));
            return out;
        }
        try {
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(
                            List.of(Topics.WORKER_GROUP, Topics.AUDIT_GROUP))
                    .all()
                    .get(2500, TimeUnit.MILLISECONDS);
            out.put("workers", members(groups.get(Topics.WORKER_GROUP), "worker"));
            out.put("audit", members(groups.get(Topics.AUDIT_GROUP), "audit"));
        } catch (Exception e) {
            out.put(
                    "workers",
                    new Status("down", "consumer groups: " + e.getClass().getSimpleName()));
            out.put(
                    "audit",
                    new Status("down", "consumer groups: " + e.getClass().getSimpleName()));
        }
        return out;
    }

    private static Status members(ConsumerGroupDescription group, String what) {
        int n = group == null ? 0 : group.members().size();
        return n > 0
                ? new Status("up", n + " " + what + " consumer(s)")
                : new Status("down", "no " + what + " is consuming");
    }
}
