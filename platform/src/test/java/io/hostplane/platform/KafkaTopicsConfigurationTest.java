package io.hostplane.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** The topics a service declares at start, against a real broker: a keyed topic that exists keeps its partitions. */
class KafkaTopicsConfigurationTest {

    @Test
    void aKeyedTopicThatExistsKeepsItsPartitionsWhateverTheSettingSays() throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.shared().kafkaBootstrapServers()))) {
            Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            if (!names.contains(Topics.COMMANDS)) {
                admin.createTopics(List.of(new NewTopic(Topics.COMMANDS, 3, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            int has = admin.describeTopics(List.of(Topics.COMMANDS))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(Topics.COMMANDS)
                    .partitions()
                    .size();

            Map<String, NewTopic> declared = declared(new KafkaTopicsProperties(has + 36, (short) 1), admin);

            assertThat(declared.get(Topics.COMMANDS).numPartitions()).isEqualTo(has);
            assertThat(declared.get(Topics.COMMANDS_DLQ).numPartitions()).isEqualTo(1);
        }
    }

    @Test
    void withoutAnAnswerFromKafkaTheSettingIsDeclared() {
        try (Admin unreachable = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 500))) {
            Map<String, NewTopic> declared = declared(new KafkaTopicsProperties(48, (short) 1), unreachable);
            assertThat(declared.get(Topics.COMMANDS).numPartitions()).isEqualTo(48);
            assertThat(declared.get(Topics.JOB_EVENTS).numPartitions()).isEqualTo(48);
            assertThat(declared.get(Topics.AUDIT).numPartitions()).isEqualTo(48);
        }
    }

    private static Map<String, NewTopic> declared(KafkaTopicsProperties settings, Admin admin) {
        return KafkaTopicsConfiguration.topics(
                        settings,
                        new KafkaTopicsProperties.AuditTopicRetention(null),
                        KafkaTopicsConfiguration.existingPartitions(admin))
                .stream()
                .collect(java.util.stream.Collectors.toMap(NewTopic::name, t -> t));
    }
}
