package io.hostplane.audit.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.audit.AuditServiceTest;
import io.hostplane.audit.system.AuditProperties;
import io.hostplane.common.event.CancelReplay;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.event.ReplayAudit;
import io.hostplane.common.event.TokenChanged;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Replays as the audit service runs them, on the real broker and PostgreSQL: into a topic and into a file with
 * the filters applied, cancelled while running (throttled), and a rebuild of the store after its schema was
 * dropped, which must bring back every row with the same hash. Each replay is driven by its command on {@code
 * hostplane.audit-replays} and followed through the job events it reports.
 */
class AuditReplayTest extends AuditServiceTest {

    @Autowired
    AuditProperties properties;

    @Test
    void replaysOneTenantsEventsOfOneTypeIntoATopicAndIntoAFile() throws Exception {
        Instant start = Instant.now().minusSeconds(1);
        String tenant = tenant();
        String other = tenant();
        Set<String> wanted = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            CloudEvent e = requestRecorded(tenant, "/r/" + i);
            wanted.add(e.id());
            kafka.send(Topics.AUDIT, tenant, codec.write(e));
        }
        for (int i = 0; i < 5; i++) {
            kafka.send(Topics.AUDIT, tenant, codec.write(tokenCreated(tenant)));
            String json = codec.write(requestRecorded(other, "/o/" + i));
            // One laid out over several lines (CR LF): a file still gets it as one line.
            kafka.send(Topics.AUDIT, other, i == 2 ? json.replace(",\"", ",\r\n  \"") : json);
        }
        kafka.flush();
        assertThat(awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 35))
                .isEqualTo(35);

        String topic = "hostplane.replay.test-" + UUID.randomUUID().toString().substring(0, 8);
        Followed toTopic = replay(
                new ReplayAudit(
                        start,
                        null,
                        null,
                        null,
                        tenant,
                        List.of(EventTypes.REQUEST_RECORDED),
                        new ReplayAudit.Target("topic", topic, null),
                        null),
                null);
        assertThat(toTopic.last().status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(toTopic.last().result().path("records_written").asLong()).isEqualTo(30);
        assertThat(toTopic.last().result().path("filtered_out").asLong()).isGreaterThanOrEqualTo(10);
        List<ConsumerRecord<String, String>> replayed = readAll(topic, 30);
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, String> r : replayed) {
            CloudEvent e = codec.read(r.value());
            assertThat(e.tenant()).isEqualTo(tenant);
            assertThat(e.type()).isEqualTo(EventTypes.REQUEST_RECORDED);
            assertThat(r.key()).isEqualTo(tenant);
            assertThat(new String(r.headers().lastHeader(ReplaySinks.JOB_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(toTopic.jobId().toString());
            ids.add(e.id());
        }
        assertThat(replayed).hasSize(30);
        assertThat(ids).isEqualTo(wanted);

        String file = "replay-" + UUID.randomUUID().toString().substring(0, 8) + ".ndjson";
        ReplayAudit toFile = new ReplayAudit(
                start,
                null,
                null,
                List.of(Topics.AUDIT),
                other,
                null,
                new ReplayAudit.Target("file", null, file),
                null);
        Followed written = replay(toFile, null);
        assertThat(written.last().status()).isEqualTo(JobStatus.SUCCEEDED);
        List<String> lines = Files.readAllLines(properties.replay().dir().resolve(file));
        assertThat(lines).hasSize(5).anyMatch(line -> line.contains("/o/2"));
        for (String line : lines) {
            assertThat(codec.read(line).tenant()).isEqualTo(other);
        }
        // A file is never replaced: the same name again fails and leaves the first one as it was.
        Followed again = replay(toFile, null);
        assertThat(again.last().status()).isEqualTo(JobStatus.FAILED);
        assertThat(again.last().error().code()).isEqualTo("REPLAY_TARGET_EXISTS");
        assertThat(Files.readAllLines(properties.replay().dir().resolve(file))).isEqualTo(lines);
    }

    @Test
    void aThrottledReplayReportsProgressAndStopsWhenCancelled() throws Exception {
        String tenant = tenant();
        for (int i = 0; i < 200; i++) {
            kafka.send(Topics.AUDIT, tenant, codec.write(requestRecorded(tenant, "/c/" + i)));
        }
        kafka.flush();
        String file = "cancelled-" + UUID.randomUUID().toString().substring(0, 8) + ".ndjson";
        // 200 records or more at 20 a second: ten seconds at least, so it is still running when cancelled.
        ReplayAudit slow = new ReplayAudit(
                null, null, null, List.of(Topics.AUDIT), tenant, null, new ReplayAudit.Target("file", null, file), 20);
        Followed followed = replay(slow, 3);
        assertThat(followed.last().status()).isEqualTo(JobStatus.CANCELLED);
        assertThat(followed.statuses()).contains(JobStatus.RUNNING);
        assertThat(followed.progress()).isNotEmpty().isSorted();
        assertThat(followed.progress().get(followed.progress().size() - 1)).isBetween(1, 99);
        long read = followed.last().result().path("records_read").asLong();
        assertThat(read)
                .isPositive()
                .isLessThan(followed.last().result().path("records_in_range").asLong());
        assertThat(followed.last().result().path("cancelled").asBoolean()).isTrue();
        // Neither the file nor its partial copy is left behind.
        assertThat(Files.exists(properties.replay().dir().resolve(file))).isFalse();
        assertThat(Files.exists(properties.replay().dir().resolve(file + ".partial")))
                .isFalse();
    }

    @Test
    void droppingTheStoreAndReplayingTheTopicsRestoresTheSameRowsAndHashes() throws Exception {
        String tenant = tenant();
        for (int i = 0; i < 100; i++) {
            kafka.send(Topics.AUDIT, tenant, codec.write(requestRecorded(tenant, "/s/" + i)));
        }
        kafka.send(Topics.AUDIT, tenant, "{\"not\": \"an event\"");
        kafka.flush();
        awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 100);
        awaitAtLeast("select count(*) from audit.quarantine where convert_from(raw, 'UTF8') like '%not%'", 1);
        Map<String, String> before = links();
        assertThat(before).hasSizeGreaterThan(100);

        try (Connection c = owner();
                Statement s = c.createStatement()) {
            s.execute("drop schema audit cascade");
        }
        Followed rebuild = replay(
                new ReplayAudit(null, null, null, null, null, null, new ReplayAudit.Target("store", null, null), null),
                null);
        assertThat(rebuild.last().status()).isEqualTo(JobStatus.SUCCEEDED);

        Map<String, String> after = links();
        Map<String, String> missingOrChanged = new HashMap<>();
        before.forEach((link, hash) -> {
            if (!hash.equals(after.get(link))) {
                missingOrChanged.put(link, after.get(link));
            }
        });
        assertThat(missingOrChanged)
                .as("links missing or with another hash after the rebuild")
                .isEmpty();
        try (Connection c = owner()) {
            assertThat(count(c, "select count(*) from audit.events where tenant = '" + tenant + "'"))
                    .isEqualTo(100);
        }
        // The live ingest runs again, from the rebuilt chains' tails: a new event is stored once.
        CloudEvent later = requestRecorded(tenant, "/after");
        kafka.send(Topics.AUDIT, tenant, codec.write(later)).get();
        assertThat(awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 101))
                .isEqualTo(101);
    }

    /**
     * Every link of the store that came from the platform's topics: {@code topic/partition/offset} → hash (hex),
     * events and quarantined records. (Other tests of the shared store write chains of their own that exist on no
     * topic, and a rebuild from the topics cannot bring those back.)
     */
    private Map<String, String> links() throws Exception {
        Map<String, String> links = new HashMap<>();
        try (Connection c = owner();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select topic, kafka_partition, kafka_offset, encode(hash, 'hex') from audit.events "
                                + "where hash is not null and topic like 'hostplane.%' union all "
                                + "select topic, kafka_partition, kafka_offset, encode(hash, 'hex') from audit.quarantine "
                                + "where topic like 'hostplane.%'")) {
            while (rs.next()) {
                links.put(rs.getString(1) + "/" + rs.getInt(2) + "/" + rs.getLong(3), rs.getString(4));
            }
        }
        return links;
    }

    private record Followed(UUID jobId, List<JobStateChanged> changes) {
        JobStateChanged last() {
            return changes.get(changes.size() - 1);
        }

        List<JobStatus> statuses() {
            return changes.stream().map(JobStateChanged::status).toList();
        }

        List<Integer> progress() {
            return changes.stream()
                    .filter(c -> c.status() == JobStatus.RUNNING && c.progress() != null && c.progress() > 0)
                    .map(JobStateChanged::progress)
                    .toList();
        }
    }

    /**
     * Sends the replay's command and follows its job events to the terminal one (at most three minutes); with
     * {@code cancelAfterProgress}, sends a cancellation once that many progress reports arrived.
     */
    private Followed replay(ReplayAudit command, Integer cancelAfterProgress) throws Exception {
        UUID jobId = UUID.randomUUID();
        List<JobStateChanged> changes = new ArrayList<>();
        try (KafkaConsumer<String, String> events = consumer()) {
            List<TopicPartition> partitions = events.partitionsFor(Topics.JOB_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            events.assign(partitions);
            events.seekToEnd(partitions);
            partitions.forEach(events::position);
            kafka.send(Topics.AUDIT_REPLAYS, jobId.toString(), codec.write(command(jobId, command)))
                    .get();
            boolean cancelSent = false;
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : events.poll(Duration.ofMillis(200))) {
                    CloudEvent e = codec.read(r.value());
                    if (jobId.toString().equals(e.jobid())) {
                        JobStateChanged change = codec.data(e, JobStateChanged.class);
                        assertThat(change.jobType()).isEqualTo(JobTypes.AUDIT_REPLAY);
                        changes.add(change);
                        if (change.status().isTerminal()) {
                            return new Followed(jobId, changes);
                        }
                    }
                }
                if (cancelAfterProgress != null
                        && !cancelSent
                        && new Followed(jobId, changes).progress().size() >= cancelAfterProgress) {
                    CloudEvent cancel = codec.event(
                            "/test",
                            EventTypes.AUDIT_REPLAY_CANCEL,
                            "audit/replays",
                            "platform",
                            null,
                            jobId.toString(),
                            null,
                            new CancelReplay(jobId.toString()));
                    kafka.send(Topics.AUDIT_REPLAYS, jobId.toString(), codec.write(cancel))
                            .get();
                    cancelSent = true;
                }
            }
        }
        throw new AssertionError("replay " + jobId + " did not end within three minutes; saw " + changes);
    }

    private CloudEvent command(UUID jobId, ReplayAudit command) {
        return codec.event(
                "/test",
                EventTypes.command(JobTypes.AUDIT_REPLAY),
                "audit/replays",
                "platform",
                UUID.randomUUID().toString(),
                jobId.toString(),
                null,
                command);
    }

    /** Every record of {@code topic}, waiting up to a minute for at least {@code expected}. */
    private List<ConsumerRecord<String, String>> readAll(String topic, int expected) throws Exception {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (KafkaConsumer<String, String> c = consumer()) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(all::add);
                if (all.size() >= expected && c.poll(Duration.ofSeconds(1)).isEmpty()) {
                    break;
                }
            }
        }
        return all;
    }

    private KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private CloudEvent tokenCreated(String tenant) {
        return codec.event(
                "/test",
                EventTypes.TOKEN_CREATED,
                "tokens/tok_x",
                tenant,
                null,
                null,
                null,
                new TokenChanged("tok_x", "hp_…abc", tenant, "demo", List.of("dns.read"), null, null, null, null));
    }

    private static String tenant() {
        return "t_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
