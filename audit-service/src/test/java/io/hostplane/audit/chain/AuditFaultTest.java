package io.hostplane.audit.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.audit.AuditServiceTest;
import io.hostplane.common.audit.ChainVerifier;
import io.hostplane.common.audit.Checkpoints;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.topic.Topics;
import java.security.PublicKey;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Faults with counts: while 6,000 events stream in (with producer-retry duplicates and malformed records mixed
 * in) the consumer is stopped mid-stream and its group's committed offsets are set back to the stream's start, as
 * after a crash between the database commit and the offset commit. After the restart every event is stored
 * exactly once, every malformed record is quarantined once, and every chain verifies across the restart.
 */
class AuditFaultTest extends AuditServiceTest {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void aRestartWithRedeliveryLosesNothingAndDoublesNothing() throws Exception {
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        int events = 6000;
        long started = System.nanoTime();
        int duplicates = 0;
        int malformed = 0;
        Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        MessageListenerContainer container = listeners.getListenerContainer("audit-ingest");
        try (KafkaProducer<String, String> producer = infra.producer()) {
            for (int i = 0; i < events; i++) {
                String key = tenant + "/" + (i % 16);
                CloudEvent event = requestRecorded(tenant, "/f/" + i);
                String json = codec.write(event);
                sends.add(producer.send(new ProducerRecord<>(Topics.AUDIT, key, json)));
                if (i % 97 == 0) {
                    // A producer retry: the same event again, at a later offset.
                    sends.add(producer.send(new ProducerRecord<>(Topics.AUDIT, key, json)));
                    duplicates++;
                }
                if (i % 1000 == 500) {
                    sends.add(producer.send(new ProducerRecord<>(Topics.AUDIT, key, "garbage " + i)));
                    malformed++;
                }
                if (i == 200) {
                    for (Future<RecordMetadata> f : sends) {
                        RecordMetadata m = f.get();
                        firstOffsets.merge(new TopicPartition(m.topic(), m.partition()), m.offset(), Math::min);
                    }
                }
                if (i == events / 2) {
                    producer.flush();
                    assertThat(awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 1000))
                            .isGreaterThanOrEqualTo(1000);
                    container.stop();
                    rewind(firstOffsets);
                    container.start();
                }
            }
            for (Future<RecordMetadata> f : sends) {
                RecordMetadata m = f.get();
                firstOffsets.merge(new TopicPartition(m.topic(), m.partition()), m.offset(), Math::min);
            }
        }
        awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", events);
        // Every record sent is consumed and its offset committed before counting: a wrongly redelivered duplicate
        // would be in the store by then.
        awaitCommittedToTheEnd(firstOffsets.keySet());
        StringBuilder inStream = new StringBuilder("false");
        firstOffsets.forEach((tp, offset) -> inStream.append(" or (kafka_partition = ")
                .append(tp.partition())
                .append(" and kafka_offset >= ")
                .append(offset)
                .append(")"));
        String quarantined = "select count(*) from audit.quarantine where topic = 'hostplane.audit' and "
                + "convert_from(raw, 'UTF8') like 'garbage %' and (" + inStream + ")";
        assertThat(awaitAtLeast(quarantined, malformed)).isGreaterThanOrEqualTo(malformed);
        try (Connection c = owner()) {
            assertThat(count(c, "select count(*) from audit.events where tenant = '" + tenant + "'"))
                    .isEqualTo(events);
            assertThat(count(c, "select count(distinct event_id) from audit.events where tenant = '" + tenant + "'"))
                    .isEqualTo(events);
            assertThat(count(c, quarantined)).isEqualTo(malformed);
            Map<String, PublicKey> keys = Map.of(Checkpoints.keyId(SIGNING.getPublic()), SIGNING.getPublic());
            for (Map.Entry<TopicPartition, Long> chain : firstOffsets.entrySet()) {
                ChainVerifier.Broken broken =
                        ChainWalk.walk(c, Topics.AUDIT, chain.getKey().partition(), chain.getValue(), null, keys);
                assertThat(broken).as("chain " + chain.getKey()).isNull();
            }
        }
        assertThat(duplicates).isPositive();
        // Not a benchmark: producing, the restart, the redelivery and the verification walk are all inside.
        System.out.printf(
                "audit fault test: %d events, %d duplicates sent, %d malformed; stored %d, quarantined %d, %d chains "
                        + "verified; %.1f s from the first send to the last assertion%n",
                events,
                duplicates,
                malformed,
                events,
                malformed,
                firstOffsets.size(),
                (System.nanoTime() - started) / 1e9);
    }

    /** Sets the group's committed offsets back, as if the commits after those offsets had been lost. */
    private void rewind(Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> target = new HashMap<>();
        offsets.forEach((tp, offset) -> target.put(tp, new OffsetAndMetadata(offset)));
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers()))) {
            // The group is not empty until the stopped consumers have left it: until then the change is refused.
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                admin.alterConsumerGroupOffsets(Topics.AUDIT_GROUP, target)
                        .all()
                        .get();
                return true;
            });
        }
    }

    /** Waits until the audit group's committed offset of each of {@code partitions} is at its end. */
    private void awaitCommittedToTheEnd(Collection<TopicPartition> partitions) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(Topics.AUDIT_GROUP)
                        .partitionsToOffsetAndMetadata()
                        .get();
                ends.forEach((tp, end) -> assertThat(committed.get(tp))
                        .as("committed offset of %s", tp)
                        .isNotNull()
                        .extracting(OffsetAndMetadata::offset)
                        .isEqualTo(end));
            });
        }
    }
}
