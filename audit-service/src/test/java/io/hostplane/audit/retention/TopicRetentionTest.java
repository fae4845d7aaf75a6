package io.hostplane.audit.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.audit.AuditServiceTest;
import io.hostplane.common.topic.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * {@code hostplane.audit.retention.topics} (30 days in these tests) is {@code retention.ms} of the three topics the
 * store consumes, on the real broker, and is put back on a topic that exists with another value.
 */
class TopicRetentionTest extends AuditServiceTest {

    private static final String THIRTY_DAYS = Long.toString(Duration.ofDays(30).toMillis());

    @Autowired
    KafkaAdmin kafkaAdmin;

    @Test
    void theAuditTopicsCarryTheConfiguredRetentionAndExistingTopicsAreUpdated() throws Exception {
        try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
            for (String topic : List.of(Topics.COMMANDS, Topics.JOB_EVENTS, Topics.AUDIT)) {
                assertThat(retention(admin, topic)).as(topic).isEqualTo(THIRTY_DAYS);
            }
            // Topics the store does not consume keep the broker's retention.
            assertThat(retention(admin, Topics.AUDIT_REPLAYS)).isNotEqualTo(THIRTY_DAYS);

            ConfigResource audit = new ConfigResource(ConfigResource.Type.TOPIC, Topics.AUDIT);
            Map<ConfigResource, Collection<AlterConfigOp>> change = Map.of(
                    audit,
                    List.of(new AlterConfigOp(
                            new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "3600000"), AlterConfigOp.OpType.SET)));
            admin.incrementalAlterConfigs(change).all().get();
            assertThat(retention(admin, Topics.AUDIT)).isEqualTo("3600000");
            // What the service does at start-up when the topic exists already.
            kafkaAdmin.initialize();
            assertThat(retention(admin, Topics.AUDIT)).isEqualTo(THIRTY_DAYS);
        }
    }

    private static String retention(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .get(TopicConfig.RETENTION_MS_CONFIG)
                .value();
    }
}
