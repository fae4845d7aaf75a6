package io.hostplane.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.event.CreateZone;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The worker on a real broker and database: commands in, job events out, the local DNS backend changed. */
@SpringBootTest(
        classes = WorkerApplication.class,
        properties = WorkerApplication.CONFIG_NAME,
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class CommandProcessingTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
    }

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    EventCodec codec;

    private final TestInfrastructure infra = TestInfrastructure.shared();
    private KafkaConsumer<String, String> jobEvents;
    private KafkaConsumer<String, String> deadLetters;
    private String tenant;
    private String zone;

    @BeforeEach
    void setUp() {
        jobEvents = consumer(Topics.JOB_EVENTS);
        deadLetters = consumer(Topics.COMMANDS_DLQ);
        tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        zone = "w" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    }

    @AfterEach
    void tearDown() {
        jobEvents.close();
        deadLetters.close();
    }

    @Test
    void aRecordCommandRunsAndSucceedsAndChangesTheZone() throws Exception {
        String zoneJob = send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        String recordId = Ids.uuidV7().toString();
        String recordJob = send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(recordId, "www", "A", 300, "192.0.2.10", null)));

        List<JobStateChanged> zoneEvents = awaitTerminal(zoneJob);
        assertThat(zoneEvents)
                .extracting(JobStateChanged::status)
                .containsExactly(JobStatus.RUNNING, JobStatus.SUCCEEDED);
        List<JobStateChanged> recordEvents = awaitTerminal(recordJob);
        assertThat(recordEvents)
                .extracting(JobStateChanged::status)
                .containsExactly(JobStatus.RUNNING, JobStatus.SUCCEEDED);
        JobStateChanged succeeded = recordEvents.get(1);
        assertThat(succeeded.warnings()).isEmpty();
        assertThat(succeeded.result().path("record").path("id").asString()).isEqualTo(recordId);
        assertThat(count("select count(*) from worker.local_records where zone = '" + zone
                        + "' and content = '192.0.2.10'"))
                .isEqualTo(1);
    }

    @Test
    void aRedeliveredCommandIsNotAppliedTwiceAndRepeatsItsOutcome() throws Exception {
        send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        String recordId = Ids.uuidV7().toString();
        CloudEvent command = command(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(recordId, "www", "A", 300, "192.0.2.20", null)));
        kafka.send(Topics.COMMANDS, key(), codec.write(command)).get();
        List<CloudEvent> first = awaitTerminalEvents(command.jobid());
        kafka.send(Topics.COMMANDS, key(), codec.write(command)).get();
        CloudEvent again = awaitEvent(e -> command.jobid().equals(e.jobid()));
        assertThat(again.id()).isEqualTo(first.get(first.size() - 1).id());
        assertThat(again.type()).isEqualTo(EventTypes.job(JobStatus.SUCCEEDED));
        assertThat(count("select count(*) from worker.local_records where id = '" + recordId + "'"))
                .isEqualTo(1);
    }

    @Test
    void anIdenticalRecordSucceedsWithAWarningAndChangesNothing() throws Exception {
        send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        String firstJob = send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(Ids.uuidV7().toString(), "www", "A", 300, "192.0.2.30", null)));
        awaitTerminal(firstJob);
        String secondJob = send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(Ids.uuidV7().toString(), "www", "A", 300, "192.0.2.30", null)));
        JobStateChanged done = awaitTerminal(secondJob).get(1);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.warnings()).extracting(w -> w.type() + "/" + w.code()).containsExactly("DNS/RECORD_EXISTS");
        assertThat(count("select count(*) from worker.local_records where zone = '" + zone + "'"))
                .isEqualTo(1);
    }

    @Test
    void aJobCancelledBeforeItStartedIsSkippedAndReportedCancelled() throws Exception {
        send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        String recordId = Ids.uuidV7().toString();
        CloudEvent command = command(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(recordId, "www", "A", 300, "192.0.2.50", null)));
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password());
                Statement s = c.createStatement()) {
            s.execute("insert into control.job_claims (job_id, claim) values ('" + command.jobid() + "', 'cancelled')");
        }
        kafka.send(Topics.COMMANDS, key(), codec.write(command)).get();
        List<JobStateChanged> events = awaitTerminal(command.jobid());
        assertThat(events).extracting(JobStateChanged::status).containsExactly(JobStatus.CANCELLED);
        assertThat(count("select count(*) from worker.local_records where id = '" + recordId + "'"))
                .isZero();
    }

    @Test
    void aBatchIsAppliedAllOrNothing() throws Exception {
        send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        String keep = Ids.uuidV7().toString();
        String drop = Ids.uuidV7().toString();
        awaitTerminal(send(
                JobTypes.DNS_BATCH,
                new ApplyDnsChanges(
                        zone,
                        List.of(
                                new ApplyDnsChanges.Change(
                                        "create", keep, new DnsRecord(keep, "www", "A", 300, "192.0.2.60", null)),
                                new ApplyDnsChanges.Change(
                                        "create", drop, new DnsRecord(drop, "old", "A", 300, "192.0.2.61", null))))));

        String never = Ids.uuidV7().toString();
        JobStateChanged failed = awaitTerminal(send(
                        JobTypes.DNS_BATCH,
                        new ApplyDnsChanges(
                                zone,
                                List.of(
                                        new ApplyDnsChanges.Change(
                                                "create",
                                                never,
                                                new DnsRecord(never, "new", "A", 300, "192.0.2.62", null)),
                                        new ApplyDnsChanges.Change(
                                                "replace",
                                                Ids.uuidV7().toString(),
                                                new DnsRecord(null, "ghost", "A", 300, "192.0.2.63", null))))))
                .get(1);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("RECORD_NOT_FOUND");
        assertThat(count("select count(*) from worker.local_records where id = '" + never + "'"))
                .isZero();

        JobStateChanged done = awaitTerminal(send(
                        JobTypes.DNS_BATCH,
                        new ApplyDnsChanges(
                                zone,
                                List.of(
                                        new ApplyDnsChanges.Change(
                                                "replace",
                                                keep,
                                                new DnsRecord(keep, "www", "A", 300, "192.0.2.64", null)),
                                        new ApplyDnsChanges.Change("delete", drop, null)))))
                .get(1);
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.result().path("changes").size()).isEqualTo(2);
        assertThat(count("select count(*) from worker.local_records where zone = '" + zone + "'"))
                .isEqualTo(1);
        assertThat(count("select count(*) from worker.local_records where id = '" + keep
                        + "' and content = '192.0.2.64'"))
                .isEqualTo(1);
    }

    @Test
    void aRecordForAMissingZoneFailsWithACode() throws Exception {
        String job = send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(Ids.uuidV7().toString(), "www", "A", 300, "192.0.2.40", null)));
        JobStateChanged done = awaitTerminal(job).get(1);
        assertThat(done.status()).isEqualTo(JobStatus.FAILED);
        assertThat(done.error().code()).isEqualTo("ZONE_NOT_FOUND");
    }

    @Test
    void anUnreadableRecordGoesToTheDeadLetterTopicAndProcessingContinues() throws Exception {
        String garbage = "not json " + UUID.randomUUID();
        kafka.send(Topics.COMMANDS, key(), garbage).get();
        String job = send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ConsumerRecord<String, String> dead = null;
        while (dead == null && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : deadLetters.poll(Duration.ofMillis(300))) {
                if (r.value().equals(garbage)) {
                    dead = r;
                }
            }
        }
        assertThat(dead).isNotNull();
        assertThat(new String(dead.headers().lastHeader("hostplane-dlq-reason").value(), StandardCharsets.UTF_8))
                .contains("not a CloudEvent");
        assertThat(awaitTerminal(job).get(1).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    // --- helpers ---

    private String key() {
        return Topics.commandKey(tenant, "zone", zone);
    }

    private CloudEvent command(String type, Object data) {
        String jobId = Ids.uuidV7().toString();
        return codec.event(
                "/test", EventTypes.command(type), "domains/" + zone, tenant, "req-" + jobId, jobId, null, data);
    }

    private String send(String type, Object data) throws Exception {
        CloudEvent command = command(type, data);
        kafka.send(Topics.COMMANDS, key(), codec.write(command)).get();
        return command.jobid();
    }

    private final List<CloudEvent> seen = new ArrayList<>();

    private List<JobStateChanged> awaitTerminal(String jobId) {
        return awaitTerminalEvents(jobId).stream()
                .map(e -> codec.data(e, JobStateChanged.class))
                .toList();
    }

    private List<CloudEvent> awaitTerminalEvents(String jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<CloudEvent> mine =
                    seen.stream().filter(e -> jobId.equals(e.jobid())).toList();
            if (mine.stream()
                    .anyMatch(e -> codec.data(e, JobStateChanged.class).status().isTerminal())) {
                return mine;
            }
            jobEvents.poll(Duration.ofMillis(300)).forEach(r -> seen.add(codec.read(r.value())));
        }
        throw new AssertionError("job " + jobId + " did not finish; seen " + seen.size() + " events");
    }

    private CloudEvent awaitEvent(java.util.function.Predicate<CloudEvent> match) {
        int already = seen.size();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            jobEvents.poll(Duration.ofMillis(300)).forEach(r -> seen.add(codec.read(r.value())));
            for (int i = already; i < seen.size(); i++) {
                if (match.test(seen.get(i))) {
                    return seen.get(i);
                }
            }
        }
        throw new AssertionError("no matching job event");
    }

    private KafkaConsumer<String, String> consumer(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "worker-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "latest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        return consumer;
    }

    private int count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
