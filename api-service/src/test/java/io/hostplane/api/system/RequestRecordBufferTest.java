package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.embedded.FreePorts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** The buffer in front of an unreachable Kafka: it fills, then the API refuses, and overflow is counted. */
@Tag("fast")
class RequestRecordBufferTest {

    @Test
    void aFullBufferRefusesRequestsAndCountsWhatItCouldNotKeep() {
        var producers = unreachableKafka();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RequestRecordBuffer buffer =
                new RequestRecordBuffer(new KafkaTemplate<>(producers), meters, new RequestRecordProperties(5, true));
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(buffer.refusesRequests()).isFalse();
                buffer.add(new ProducerRecord<>("hostplane.audit", "k", "record " + i));
            }
            assertThat(buffer.refusesRequests()).isTrue();
            buffer.add(new ProducerRecord<>("hostplane.audit", "k", "one too many"));
            assertThat(meters.get("hostplane.request.records.dropped").counter().count())
                    .isEqualTo(1.0);
            assertThat(meters.get("hostplane.request.records.buffered").gauge().value())
                    .isEqualTo(5.0);

            RequestRecordBuffer lenient = new RequestRecordBuffer(
                    new KafkaTemplate<>(producers), new SimpleMeterRegistry(), new RequestRecordProperties(1, false));
            lenient.add(new ProducerRecord<>("hostplane.audit", "k", "x"));
            assertThat(lenient.refusesRequests()).isFalse();
        } finally {
            producers.destroy();
        }
    }

    /** Producers for a port nothing listens on, that give up after 200 ms. */
    static DefaultKafkaProducerFactory<String, String> unreachableKafka() {
        return new DefaultKafkaProducerFactory<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "127.0.0.1:" + FreePorts.next(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                200,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class));
    }
}
