package io.hostplane.api.system;

import io.hostplane.common.topic.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.scheduler.Schedulers;

/**
 * Gauges of the pipeline as a whole, read every {@code hostplane.metrics.refresh} (10 s): each consumer group's
 * lag (records on its topics not yet committed by it: workers, audit, the API's folding of job events). The outbox
 * feature reports its own backlog. Every API replica reports the same
 * figures; take the maximum, not the sum, across replicas.
 */
@Component
class PipelineMeters {

    private static final Logger log = LoggerFactory.getLogger(PipelineMeters.class);
    private static final List<String> GROUPS = List.of(Topics.WORKER_GROUP, Topics.AUDIT_GROUP, Topics.API_JOBS_GROUP);

    private final Admin admin;
    private final Map<String, AtomicLong> lagByGroup = new ConcurrentHashMap<>();
    private final AtomicBoolean refreshing = new AtomicBoolean();

    PipelineMeters(Admin quickKafkaAdmin, MeterRegistry registry) {
        this.admin = quickKafkaAdmin;
        for (String group : GROUPS) {
            AtomicLong lag = new AtomicLong();
            lagByGroup.put(group, lag);
            Gauge.builder("hostplane.kafka.consumer.lag", lag, AtomicLong::get)
                    .description("Records on the group's topics not yet committed by the group")
                    .tag("group", group)
                    .register(registry);
        }
    }

    /** Off the scheduler's thread (it also wakes long polls), and never two refreshes at once. */
    @Scheduled(fixedDelayString = "${hostplane.metrics.refresh:PT10S}", initialDelayString = "PT2S")
    void refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        Schedulers.boundedElastic().schedule(() -> {
            try {
                for (String group : GROUPS) {
                    lagByGroup.get(group).set(lag(group));
                }
            } catch (Exception e) {
                log.debug("pipeline meters not refreshed: {}", e.toString());
            } finally {
                refreshing.set(false);
            }
        });
    }

    private long lag(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(2500, TimeUnit.MILLISECONDS);
        if (committed.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                        committed.keySet().stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all()
                .get(2500, TimeUnit.MILLISECONDS);
        long lag = 0;
        for (var entry : committed.entrySet()) {
            if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
                lag += Math.max(
                        0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
            }
        }
        return lag;
    }
}
