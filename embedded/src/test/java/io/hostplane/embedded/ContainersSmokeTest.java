package io.hostplane.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The containers the tests get where Docker is reachable: a record through the Kafka container, and the test login
 * and the audit roles on the PostgreSQL container, of the versions the docs name. Reported as skipped, with the
 * reason, where no Docker engine answers.
 */
@ExtendWith(ContainersSmokeTest.DockerReachable.class)
class ContainersSmokeTest {

    static final class DockerReachable implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (context.getTestMethod().isEmpty()) {
                return ConditionEvaluationResult.enabled("decided per test");
            }
            String unavailable = TestContainers.dockerUnavailableReason();
            return unavailable == null
                    ? ConditionEvaluationResult.enabled("a Docker engine answers")
                    : ConditionEvaluationResult.disabled("needs a Docker engine (" + unavailable + ")");
        }
    }

    @Test
    void aRecordGoesThroughTheKafkaContainerAndTheTestLoginsWorkOnThePostgresqlContainer() throws Exception {
        TestInfrastructure infra = TestInfrastructure.start(TestInfraChoice.CONTAINERS);
        String topic = "smoke-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", infra.kafkaBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
        try (var producer = infra.producer()) {
            producer.send(new ProducerRecord<>(topic, "k", "in a container")).get();
        }
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "smoke",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            String seen = null;
            while (seen == null) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    seen = record.value();
                }
            }
            assertThat(seen).isEqualTo("in a container");
        }
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password());
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select current_user, current_setting('server_version_num')::int / 10000, "
                                + "(select count(*) from pg_roles where rolname like 'hostplane_audit_%')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("hostplane");
            assertThat(rs.getInt(2)).isEqualTo(14);
            assertThat(rs.getInt(3)).isEqualTo(2);
        }
    }
}
