package io.hostplane.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.event.CreateZone;
import io.hostplane.common.event.DeleteZone;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import io.hostplane.worker.system.CommandHandler;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The worker on a real broker and database: commands in, job events out, the local DNS backend changed. */
@DirtiesContext // one worker (one consumer of the commands) at a time: DNS backend tests start their own
@SpringBootTest(
        classes = {WorkerApplication.class, CommandProcessingTest.SlowJobs.class},
        properties = {WorkerApplication.CONFIG_NAME, "hostplane.worker.running-after=1500ms"},
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class CommandProcessingTest {

    /** A job type of the tests only, whose handler takes {@code data.millis} to succeed. */
    static final String SLOW_JOB = "test.slow";

    @TestConfiguration
    static class SlowJobs {
        @Bean
        CommandHandler slowHandler() {
            return new CommandHandler() {
                @Override
                public String jobType() {
                    return SLOW_JOB;
                }

                @Override
                public Outcome handle(CloudEvent command) {
                    try {
                        Thread.sleep(command.data().path("millis").asLong());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new Outcome(null, List.of());
                }
            };
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
    }

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    EventCodec codec;

    private final TestInfrastructure infra = TestInfrastructure.shared();
    private WorkerJobs jobs;
    private KafkaConsumer<String, String> deadLetters;
    private String zone;

    @BeforeEach
    void setUp() {
        zone = "w" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        jobs = new WorkerJobs(kafka, codec, "t_" + UUID.randomUUID().toString().substring(0, 8), zone);
        deadLetters = WorkerJobs.consumer(Topics.COMMANDS_DLQ);
    }

    @AfterEach
    void tearDown() {
        jobs.close();
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
        assertThat(zoneEvents).extracting(JobStateChanged::status).containsExactly(JobStatus.SUCCEEDED);
        // A quick job has no running event: its outcome says when it started.
        assertThat(zoneEvents.get(0).startedAt()).isNotNull();
        List<JobStateChanged> recordEvents = awaitTerminal(recordJob);
        assertThat(recordEvents).extracting(JobStateChanged::status).containsExactly(JobStatus.SUCCEEDED);
        JobStateChanged succeeded = recordEvents.get(0);
        assertThat(succeeded.warnings()).isEmpty();
        assertThat(succeeded.result().path("record").path("id").asString()).isEqualTo(recordId);
        assertThat(count("select count(*) from worker.local_records where zone = '" + zone
                        + "' and content = '192.0.2.10'"))
                .isEqualTo(1);
    }

    @Test
    void aJobStillAtWorkAfterAWhileIsReportedRunningBeforeItsOutcome() throws Exception {
        String slow = send(SLOW_JOB, java.util.Map.of("millis", 3500));
        List<JobStateChanged> events = awaitTerminal(slow);
        assertThat(events).extracting(JobStateChanged::status).containsExactly(JobStatus.RUNNING, JobStatus.SUCCEEDED);
        assertThat(events.get(0).startedAt()).isEqualTo(events.get(1).startedAt());
    }

    /**
     * Key-ordered parallel processing: a quick job on another key of the same partition is done while a slow job is
     * at work, the slow job's key keeps its order, and the partition's committed offset stays at the slow job (its
     * lowest unfinished record) until it is done.
     */
    @Test
    void anotherKeyOfTheSamePartitionIsDoneWhileAKeyIsAtWorkAndEachKeyKeepsItsOrder() throws Exception {
        int partition = 0;
        String otherKey = Topics.commandKey("t_other", "zone", "other-" + zone);
        int mark = jobs.seen();
        CloudEvent slow = command(SLOW_JOB, java.util.Map.of("millis", 4000));
        CloudEvent afterSlow = command(SLOW_JOB, java.util.Map.of("millis", 1));
        CloudEvent quick = command(SLOW_JOB, java.util.Map.of("millis", 1));
        long slowOffset = jobs.sendTo(partition, key(), slow);
        long afterSlowOffset = jobs.sendTo(partition, key(), afterSlow);
        jobs.sendTo(partition, otherKey, quick);

        CloudEvent firstOutcome = jobs.awaitEvent(mark, e -> isTerminal(e) && isOneOf(e, slow, afterSlow, quick));
        assertThat(firstOutcome.jobid()).isEqualTo(quick.jobid());
        try (Admin admin = Admin.create(
                java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers()))) {
            // The quick job (after the slow one in the partition) is done, and its offset is not committed past the
            // slow one, which is still at work (its outcome is not out yet).
            assertThat(jobs.seen(slow.jobid(), JobStatus.SUCCEEDED)).isFalse();
            Long committed = committedOffset(admin, partition);
            assertThat(committed == null || committed <= slowOffset)
                    .as("committed %s while %d is unfinished", committed, slowOffset)
                    .isTrue();

            List<CloudEvent> outcomes =
                    List.of(last(awaitTerminalEvents(slow.jobid())), last(awaitTerminalEvents(afterSlow.jobid())));
            assertThat(jobs.indexOf(outcomes.get(0))).isLessThan(jobs.indexOf(outcomes.get(1)));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(committedOffset(admin, partition)).isGreaterThan(afterSlowOffset));
        }
    }

    @Test
    void aCnameBesideOtherRecordsFailsWhenAppliedAndChangesNothing() throws Exception {
        send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        assertThat(created(new DnsRecord(Ids.uuidV7().toString(), "www", "A", 300, "192.0.2.90", null)))
                .isEmpty();
        // Both queued before either is applied: the API cannot see the conflict, the worker can.
        String cnameId = Ids.uuidV7().toString();
        String cname = send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(cnameId, "www", "CNAME", 300, "other.test.", null)));
        String aliasId = Ids.uuidV7().toString();
        String alias = send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(aliasId, "alias", "CNAME", 300, "other.test.", null)));
        String besideId = Ids.uuidV7().toString();
        String beside = send(
                JobTypes.DNS_BATCH,
                new ApplyDnsChanges(
                        zone,
                        List.of(new ApplyDnsChanges.Change(
                                "create", besideId, new DnsRecord(besideId, "alias", "TXT", 300, "\"x\"", null)))));

        JobStateChanged refused = last(awaitTerminal(cname));
        assertThat(refused.status()).isEqualTo(JobStatus.FAILED);
        assertThat(refused.error().code()).isEqualTo("CNAME_NOT_EXCLUSIVE");
        assertThat(last(awaitTerminal(alias)).status()).isEqualTo(JobStatus.SUCCEEDED);
        JobStateChanged batch = last(awaitTerminal(beside));
        assertThat(batch.status()).isEqualTo(JobStatus.FAILED);
        assertThat(batch.error().code()).isEqualTo("CNAME_NOT_EXCLUSIVE");
        assertThat(count("select count(*) from worker.local_records where id in ('" + cnameId + "', '" + besideId
                        + "')"))
                .isZero();
        assertThat(count("select count(*) from worker.local_records where zone = '" + zone + "'"))
                .isEqualTo(2);
    }

    @Test
    void aDomainDeleteRemovesItsZoneWithItsRecordsAfterTheChangesQueuedBeforeIt() throws Exception {
        send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(Ids.uuidV7().toString(), "www", "A", 300, "192.0.2.30", null)));
        String deleteJob = send(JobTypes.DOMAIN_DELETE, new DeleteZone(zone));

        List<JobStateChanged> events = awaitTerminal(deleteJob);
        assertThat(events).extracting(JobStateChanged::status).containsExactly(JobStatus.SUCCEEDED);
        assertThat(events.get(0).result().path("zone").asString()).isEqualTo(zone);
        assertThat(count("select count(*) from worker.local_zones where zone = '" + zone + "'"))
                .isZero();
        assertThat(count("select count(*) from worker.local_records where zone = '" + zone + "'"))
                .isZero();
    }

    @Test
    void aSucceededChangeWarnsOfMissingTargetsAndShadowedWildcards() throws Exception {
        send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        List<Warning> mx = created(new DnsRecord(Ids.uuidV7().toString(), "@", "MX", 300, "mail." + zone + ".", 10));
        assertThat(mx).extracting(Warning::code).containsExactly("TARGET_NOT_FOUND");
        assertThat(mx.get(0).message()).contains("mail." + zone + ".");

        created(new DnsRecord(Ids.uuidV7().toString(), "mail", "A", 300, "192.0.2.25", null));
        assertThat(created(new DnsRecord(Ids.uuidV7().toString(), "@", "MX", 300, "mail." + zone + ".", 20)))
                .isEmpty();
        assertThat(created(new DnsRecord(Ids.uuidV7().toString(), "ext", "CNAME", 300, "host.other.test.", null)))
                .isEmpty();

        created(new DnsRecord(Ids.uuidV7().toString(), "a.sub", "TXT", 300, "\"x\"", null));
        List<Warning> wildcard = created(new DnsRecord(Ids.uuidV7().toString(), "*.sub", "A", 300, "192.0.2.26", null));
        assertThat(wildcard).extracting(Warning::code).containsExactly("WILDCARD_SHADOWED");
        assertThat(wildcard.get(0).message()).contains("a.sub");
        List<Warning> below = created(new DnsRecord(Ids.uuidV7().toString(), "b.sub", "TXT", 300, "\"y\"", null));
        assertThat(below).extracting(Warning::code).containsExactly("WILDCARD_SHADOWED");
        assertThat(below.get(0).message()).contains("*.sub");
    }

    private List<Warning> created(DnsRecord record) throws Exception {
        String job = send(JobTypes.DNS_RECORD_CREATE, new CreateDnsRecord(zone, record));
        List<JobStateChanged> events = awaitTerminal(job);
        JobStateChanged last = events.get(events.size() - 1);
        assertThat(last.status()).isEqualTo(JobStatus.SUCCEEDED);
        return last.warnings();
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
        JobStateChanged done = last(awaitTerminal(secondJob));
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
        JobStateChanged failed = last(awaitTerminal(send(
                JobTypes.DNS_BATCH,
                new ApplyDnsChanges(
                        zone,
                        List.of(
                                new ApplyDnsChanges.Change(
                                        "create", never, new DnsRecord(never, "new", "A", 300, "192.0.2.62", null)),
                                new ApplyDnsChanges.Change(
                                        "replace",
                                        Ids.uuidV7().toString(),
                                        new DnsRecord(null, "ghost", "A", 300, "192.0.2.63", null)))))));
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("RECORD_NOT_FOUND");
        assertThat(count("select count(*) from worker.local_records where id = '" + never + "'"))
                .isZero();

        JobStateChanged done = last(awaitTerminal(send(
                JobTypes.DNS_BATCH,
                new ApplyDnsChanges(
                        zone,
                        List.of(
                                new ApplyDnsChanges.Change(
                                        "replace", keep, new DnsRecord(keep, "www", "A", 300, "192.0.2.64", null)),
                                new ApplyDnsChanges.Change("delete", drop, null))))));
        assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.result().path("changes").size()).isEqualTo(2);
        assertThat(count("select count(*) from worker.local_records where zone = '" + zone + "'"))
                .isEqualTo(1);
        assertThat(count("select count(*) from worker.local_records where id = '" + keep
                        + "' and content = '192.0.2.64'"))
                .isEqualTo(1);
    }

    @Test
    void aSingleReplaceAndDeleteApplyAndAReplaceOfAMissingRecordFails() throws Exception {
        send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        String id = Ids.uuidV7().toString();
        send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(id, "r", "A", 300, "192.0.2.40", null)));
        String replace = send(
                JobTypes.DNS_RECORD_REPLACE,
                new ApplyDnsChanges(
                        zone,
                        List.of(new ApplyDnsChanges.Change(
                                "replace", id, new DnsRecord(id, "r", "A", 300, "192.0.2.41", null)))));
        assertThat(awaitTerminal(replace))
                .last()
                .extracting(JobStateChanged::status)
                .isEqualTo(JobStatus.SUCCEEDED);
        assertThat(count(
                        "select count(*) from worker.local_records where id = '" + id + "' and content = '192.0.2.41'"))
                .isEqualTo(1);

        String delete = send(
                JobTypes.DNS_RECORD_DELETE,
                new ApplyDnsChanges(zone, List.of(new ApplyDnsChanges.Change("delete", id, null))));
        assertThat(awaitTerminal(delete))
                .last()
                .extracting(JobStateChanged::status)
                .isEqualTo(JobStatus.SUCCEEDED);
        assertThat(count("select count(*) from worker.local_records where id = '" + id + "'"))
                .isZero();

        String missing = send(
                JobTypes.DNS_RECORD_REPLACE,
                new ApplyDnsChanges(
                        zone,
                        List.of(new ApplyDnsChanges.Change(
                                "replace", id, new DnsRecord(id, "r", "A", 300, "192.0.2.42", null)))));
        List<JobStateChanged> events = awaitTerminal(missing);
        JobStateChanged failed = events.get(events.size() - 1);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("RECORD_NOT_FOUND");
    }

    @Test
    void aRecordForAMissingZoneFailsWithACode() throws Exception {
        String job = send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(Ids.uuidV7().toString(), "www", "A", 300, "192.0.2.40", null)));
        JobStateChanged done = last(awaitTerminal(job));
        assertThat(done.status()).isEqualTo(JobStatus.FAILED);
        assertThat(done.error().code()).isEqualTo("ZONE_NOT_FOUND");
    }

    @Test
    void aJobWhoseHandlerThrowsUnexpectedlyFailsAfterItsAttemptsAndTheNextJobRuns() throws Exception {
        send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));
        // Readable, but without the record: the handler trips over it (NullPointerException) on every attempt.
        String broken = send(JobTypes.DNS_RECORD_CREATE, new CreateDnsRecord(zone, null));
        String next = send(
                JobTypes.DNS_RECORD_CREATE,
                new CreateDnsRecord(zone, new DnsRecord(Ids.uuidV7().toString(), "www", "A", 300, "192.0.2.70", null)));

        List<JobStateChanged> events = awaitTerminal(broken);
        JobStateChanged failed = events.get(events.size() - 1);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo("WORKER_ERROR");
        assertThat(failed.error().message()).contains("4 times").contains("NullPointerException");
        assertThat(failed.attempts()).isEqualTo(4);
        assertThat(awaitTerminal(next))
                .last()
                .extracting(JobStateChanged::status)
                .isEqualTo(JobStatus.SUCCEEDED);
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
        assertThat(last(awaitTerminal(job)).status()).isEqualTo(JobStatus.SUCCEEDED);
    }

    // --- helpers ---

    private String key() {
        return jobs.key();
    }

    private CloudEvent command(String type, Object data) {
        return jobs.command(type, data);
    }

    private String send(String type, Object data) throws Exception {
        return jobs.send(type, data);
    }

    private static <T> T last(List<T> events) {
        return events.get(events.size() - 1);
    }

    private boolean isTerminal(CloudEvent event) {
        return codec.data(event, JobStateChanged.class).status().isTerminal();
    }

    private static boolean isOneOf(CloudEvent event, CloudEvent... commands) {
        return java.util.Arrays.stream(commands).anyMatch(c -> c.jobid().equals(event.jobid()));
    }

    private static Long committedOffset(Admin admin, int partition) throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(Topics.WORKER_GROUP)
                .partitionsToOffsetAndMetadata()
                .get()
                .get(new TopicPartition(Topics.COMMANDS, partition));
        return offset == null ? null : offset.offset();
    }

    private List<JobStateChanged> awaitTerminal(String jobId) {
        return jobs.awaitTerminal(jobId);
    }

    private List<CloudEvent> awaitTerminalEvents(String jobId) {
        return jobs.awaitTerminalEvents(jobId);
    }

    private CloudEvent awaitEvent(java.util.function.Predicate<CloudEvent> match) {
        return jobs.awaitEvent(match);
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
