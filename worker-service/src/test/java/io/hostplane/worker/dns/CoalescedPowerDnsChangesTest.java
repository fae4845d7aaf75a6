package io.hostplane.worker.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.WorkerApplication;
import io.hostplane.worker.WorkerJobs;
import io.hostplane.worker.system.CommandConsumer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worker on a real Kafka, PostgreSQL and PowerDNS, given several DNS jobs for one zone in one poll: the
 * listener is paused while they are sent, so they wait together as they do behind a busy zone. PATCH requests
 * are counted by the backend's client as it sends them; every change is checked by a UDP query to PowerDNS.
 */
@DirtiesContext // one worker (one consumer of the commands) at a time
@SpringBootTest(
        classes = WorkerApplication.class,
        properties = WorkerApplication.CONFIG_NAME,
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class CoalescedPowerDnsChangesTest {

    static final int TTL = 300;

    @RegisterExtension
    static final PowerDnsPerClass pdns = new PowerDnsPerClass();

    @Autowired
    DnsBackend backend;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    EventCodec codec;

    @Autowired
    CommandConsumer consumer;

    @Autowired
    MeterRegistry meters;

    String zone;
    WorkerJobs jobs;
    DnsQueries dns;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        PowerDnsBackendTest.powerDnsWorker(registry, pdns::server);
    }

    @BeforeEach
    void newZone() {
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        zone = ServedDnsBackendContract.newZoneName();
        backend.createZone(tenant, zone);
        jobs = new WorkerJobs(kafka, codec, tenant, zone);
        dns = new DnsQueries(pdns.server().dnsPort());
    }

    @AfterEach
    void closeJobs() {
        jobs.close();
    }

    @Test
    void aZonesWaitingJobsAreAppliedInOrderWithFewerPatchesThanJobsEachWithItsOwnOutcome() throws Exception {
        DnsRecord www = record("www", "A", "192.0.2.1");
        DnsRecord tmp = record("tmp", "TXT", "\"soon gone\"");
        List<CloudEvent> commands = new ArrayList<>();
        commands.add(create(www));
        commands.add(replace(www, "192.0.2.2")); // after the create, as accepted
        for (int i = 1; i <= 12; i++) {
            commands.add(create(record("host" + i, "A", "192.0.2." + (10 + i))));
        }
        commands.add(create(record("host1", "A", "192.0.2.11"))); // identical to an earlier job's record
        commands.add(create(tmp));
        commands.add(jobs.command(
                JobTypes.DNS_RECORD_DELETE,
                new ApplyDnsChanges(zone, List.of(new ApplyDnsChanges.Change("delete", tmp.id(), null)))));
        DnsRecord b1 = record("b1", "A", "192.0.2.100");
        DnsRecord b2 = record("b2", "AAAA", "2001:db8::100");
        commands.add(jobs.command(
                JobTypes.DNS_BATCH,
                new ApplyDnsChanges(
                        zone,
                        List.of(
                                new ApplyDnsChanges.Change("create", b1.id(), b1),
                                new ApplyDnsChanges.Change("create", b2.id(), b2)))));
        int n = commands.size();

        long patchesBefore = patchesSent();
        List<JobStateChanged> outcomes = sendTogetherAndAwait(commands);
        long patches = patchesSent() - patchesBefore;

        assertThat(outcomes).extracting(JobStateChanged::status).containsOnly(JobStatus.SUCCEEDED);
        assertThat(patches).as("PATCH requests for %d jobs", n).isLessThan(n).isPositive();
        assertThat(meters.get("hostplane.dns.powerdns.requests")
                        .tag("method", "PATCH")
                        .functionCounter()
                        .count())
                .isEqualTo((double) patchesSent());
        // Each job its own sequence (its command's offset), in acceptance order.
        List<Long> sequences = outcomes.stream().map(JobStateChanged::sequence).toList();
        assertThat(sequences).doesNotContainNull().isSorted().doesNotHaveDuplicates();
        // Each job its own warnings: only the identical record warns.
        int duplicate = 14;
        for (int i = 0; i < n; i++) {
            List<String> codes =
                    outcomes.get(i).warnings().stream().map(Warning::code).toList();
            assertThat(codes)
                    .as("warnings of job %d", i)
                    .isEqualTo(i == duplicate ? List.of("RECORD_EXISTS") : List.of());
        }
        assertThat(outcomes.get(duplicate)
                        .result()
                        .path("record")
                        .path("content")
                        .asString())
                .isEqualTo("192.0.2.11");

        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.2");
        for (int i = 1; i <= 12; i++) {
            assertThat(dns.answers(fqdn("host" + i), Type.A)).containsExactly("192.0.2." + (10 + i));
        }
        assertThat(dns.rcode(fqdn("tmp"), Type.TXT)).isEqualTo(Rcode.NXDOMAIN);
        assertThat(dns.answers(fqdn("b1"), Type.A)).containsExactly("192.0.2.100");
        assertThat(dns.answers(fqdn("b2"), Type.AAAA)).hasSize(1);
        assertThat(stored()).isEqualTo(15); // www, host1..12, b1, b2
    }

    @Test
    void aJobThatCannotBeAppliedFailsAloneAndTheOthersOfItsGroupSucceed() throws Exception {
        List<CloudEvent> commands = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            commands.add(create(record("ok" + i, "A", "192.0.2." + (20 + i))));
        }
        DnsRecord ghost = record("ghost", "A", "192.0.2.99");
        // Its fresh record is created first, then the replace of a record that does not exist fails the job.
        DnsRecord fresh = record("fresh", "A", "192.0.2.98");
        commands.add(
                4,
                jobs.command(
                        JobTypes.DNS_BATCH,
                        new ApplyDnsChanges(
                                zone,
                                List.of(
                                        new ApplyDnsChanges.Change("create", fresh.id(), fresh),
                                        new ApplyDnsChanges.Change("replace", ghost.id(), ghost)))));

        long patchesBefore = patchesSent();
        List<JobStateChanged> outcomes = sendTogetherAndAwait(commands);

        assertThat(outcomes.get(4).status()).isEqualTo(JobStatus.FAILED);
        assertThat(outcomes.get(4).error().code()).isEqualTo("RECORD_NOT_FOUND");
        outcomes.stream()
                .filter(o -> o != outcomes.get(4))
                .forEach(o -> assertThat(o.status()).isEqualTo(JobStatus.SUCCEEDED));
        assertThat(patchesSent() - patchesBefore).isLessThan(commands.size());
        for (int i = 1; i <= 8; i++) {
            assertThat(dns.answers(fqdn("ok" + i), Type.A)).containsExactly("192.0.2." + (20 + i));
        }
        assertThat(dns.rcode(fqdn("fresh"), Type.A)).isEqualTo(Rcode.NXDOMAIN);
        assertThat(dns.rcode(fqdn("ghost"), Type.A)).isEqualTo(Rcode.NXDOMAIN);
        assertThat(stored()).isEqualTo(8);
    }

    @Test
    void aGroupPowerDnsRejectsIsSplitSoThatOnlyTheRejectedJobFails() throws Exception {
        jobs.awaitTerminal(jobs.send(create(record("www", "A", "192.0.2.40"))));
        List<CloudEvent> commands = List.of(
                create(record("c1", "A", "192.0.2.41")),
                // An address PowerDNS cannot read: it refuses it (422), and with it the whole combined PATCH.
                create(record("bad", "A", "not-an-address")),
                create(record("c2", "A", "192.0.2.42")));

        List<JobStateChanged> outcomes = sendTogetherAndAwait(commands);

        assertThat(outcomes)
                .extracting(JobStateChanged::status)
                .containsExactly(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.SUCCEEDED);
        assertThat(outcomes.get(1).error().code()).isEqualTo(ErrorCodes.DNS_REJECTED);
        assertThat(dns.answers(fqdn("c1"), Type.A)).containsExactly("192.0.2.41");
        assertThat(dns.answers(fqdn("c2"), Type.A)).containsExactly("192.0.2.42");
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.40");
        assertThat(dns.rcode(fqdn("bad"), Type.A)).isEqualTo(Rcode.NXDOMAIN);
        assertThat(stored()).isEqualTo(3);
    }

    @Test
    void aRedeliveredGroupRepeatsItsOutcomesAndChangesNothingMore() throws Exception {
        List<CloudEvent> commands = new ArrayList<>();
        DnsRecord r = record("r", "A", "192.0.2.50");
        commands.add(create(r));
        commands.add(replace(r, "192.0.2.51"));
        for (int i = 1; i <= 6; i++) {
            commands.add(create(record("again" + i, "A", "192.0.2." + (60 + i))));
        }
        sendTogetherAndAwait(commands);
        List<String> firstIds = terminalEventIds(commands);
        long patches = patchesSent();

        int mark = jobs.seen();
        sendTogether(commands);
        List<CloudEvent> again = commands.stream()
                .map(c -> jobs.awaitEvent(mark, e -> c.jobid().equals(e.jobid())))
                .toList();

        // The stored outcomes themselves (same CloudEvent ids, succeeded), sent again; nothing reached PowerDNS.
        assertThat(again).extracting(CloudEvent::id).isEqualTo(firstIds);
        assertThat(again).extracting(CloudEvent::type).containsOnly(EventTypes.job(JobStatus.SUCCEEDED));
        assertThat(patchesSent()).isEqualTo(patches);
        assertThat(dns.answers(fqdn("r"), Type.A)).containsExactly("192.0.2.51");
        assertThat(stored()).isEqualTo(7);
    }

    @Test
    void cnameRacesTheApiAcceptedFailOneJobByNameAndPowerDnsNeverHoldsACnameBesideAnotherRecord() throws Exception {
        // Each pair was accepted by the API at once: it checks the applied records, where neither record was yet.
        DnsRecord a = record("www", "A", "192.0.2.70");
        DnsRecord cname = record("www", "CNAME", "host.example.net.");
        DnsRecord alias = record("alias", "CNAME", "host.example.net.");
        DnsRecord beside = record("alias", "TXT", "\"beside\"");
        DnsRecord cname2 = record("mail", "CNAME", "host.example.net.");
        DnsRecord mx = new DnsRecord(Ids.uuidV7().toString(), "mail", "MX", TTL, "mx.example.net.", 10);

        try (ZoneWatch watch = new ZoneWatch()) {
            // Polled together: applied in one change to PowerDNS, each job on its own.
            List<JobStateChanged> together = sendTogetherAndAwait(List.of(create(a), create(cname)));
            // Sent one after the other without waiting: the second arrives before the first is applied or after.
            String first = jobs.send(create(alias));
            String second = jobs.send(jobs.command(
                    JobTypes.DNS_BATCH,
                    new ApplyDnsChanges(zone, List.of(new ApplyDnsChanges.Change("create", beside.id(), beside)))));
            List<JobStateChanged> apart = List.of(last(jobs.awaitTerminal(first)), last(jobs.awaitTerminal(second)));
            // The other way round: the CNAME comes to a name that has just received an MX.
            List<JobStateChanged> reversed = sendTogetherAndAwait(List.of(create(mx), create(cname2)));

            for (List<JobStateChanged> pair : List.of(together, apart, reversed)) {
                assertThat(pair)
                        .extracting(JobStateChanged::status)
                        .containsExactly(JobStatus.SUCCEEDED, JobStatus.FAILED);
                assertThat(pair.get(1).error().code()).isEqualTo("CNAME_NOT_EXCLUSIVE");
            }
            assertThat(together.get(1).error().message()).contains("www");
            assertThat(apart.get(1).error().message()).contains("alias");
            assertThat(reversed.get(1).error().message()).contains("mail");

            watch.stop();
            assertThat(watch.samples)
                    .as("snapshots of the zone taken while the jobs ran")
                    .isGreaterThan(3);
            assertThat(watch.violations).isEmpty();
        }
        assertThat(cnameBesideOthers(rrsets())).isEmpty();
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.70");
        assertThat(dns.answers(fqdn("alias"), Type.CNAME)).containsExactly("host.example.net.");
        assertThat(dns.answers(fqdn("mail"), Type.MX)).containsExactly("10 mx.example.net.");
        assertThat(stored()).isEqualTo(3);
    }

    /** Reads the zone's rrsets from PowerDNS's API over and over, noting any name with a CNAME beside other data. */
    private final class ZoneWatch implements AutoCloseable {

        final List<String> violations = new CopyOnWriteArrayList<>();
        volatile int samples;
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::run, "zone-watch");

        ZoneWatch() {
            thread.start();
        }

        private void run() {
            while (running) {
                violations.addAll(cnameBesideOthers(rrsets()));
                samples++;
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }

    /** The names of {@code rrsets} (name and type each) that have a CNAME and another type. */
    private static List<String> cnameBesideOthers(List<List<String>> rrsets) {
        Map<String, Set<String>> types = new TreeMap<>();
        rrsets.forEach(
                r -> types.computeIfAbsent(r.get(0), n -> new TreeSet<>()).add(r.get(1)));
        return types.entrySet().stream()
                .filter(e -> e.getValue().contains("CNAME") && e.getValue().size() > 1)
                .map(e -> e.getKey() + " " + e.getValue())
                .toList();
    }

    /** The zone's rrsets (name, type) as PowerDNS holds them, read through its HTTP API. */
    private List<List<String>> rrsets() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(
                                    pdns.server().apiUrl() + "/api/v1/servers/localhost/zones/" + zone + "."))
                            .header("X-API-Key", pdns.server().apiKey())
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            List<List<String>> rrsets = new ArrayList<>();
            JSON.readTree(response.body())
                    .path("rrsets")
                    .forEach(r -> rrsets.add(
                            List.of(r.path("name").asString(), r.path("type").asString())));
            return rrsets;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JobStateChanged last(List<JobStateChanged> events) {
        return events.get(events.size() - 1);
    }

    // --- helpers ---

    /** Sends the commands and returns each job's terminal outcome, in the commands' order. */
    private List<JobStateChanged> sendTogetherAndAwait(List<CloudEvent> commands) throws Exception {
        sendTogether(commands);
        List<JobStateChanged> outcomes = new ArrayList<>();
        for (CloudEvent command : commands) {
            List<JobStateChanged> events = jobs.awaitTerminal(command.jobid());
            outcomes.add(events.get(events.size() - 1));
        }
        return outcomes;
    }

    /** Sends the commands while the worker's listener is paused, so that they are polled together. */
    private void sendTogether(List<CloudEvent> commands) throws Exception {
        consumer.pause();
        await().atMost(Duration.ofSeconds(30)).until(consumer::isPaused);
        try {
            for (CloudEvent command : commands) {
                jobs.send(command);
            }
        } finally {
            consumer.resume();
        }
    }

    /** The id of the last terminal event seen for each command. */
    private List<String> terminalEventIds(List<CloudEvent> commands) {
        return commands.stream()
                .map(c -> {
                    List<CloudEvent> events = jobs.awaitTerminalEvents(c.jobid());
                    return events.get(events.size() - 1).id();
                })
                .toList();
    }

    private long patchesSent() {
        return ((PowerDnsBackend) backend).patchesSent();
    }

    private CloudEvent create(DnsRecord r) {
        return jobs.command(JobTypes.DNS_RECORD_CREATE, new CreateDnsRecord(zone, r));
    }

    private CloudEvent replace(DnsRecord old, String content) {
        DnsRecord r = new DnsRecord(old.id(), old.name(), old.type(), TTL, content, null);
        return jobs.command(
                JobTypes.DNS_RECORD_REPLACE,
                new ApplyDnsChanges(zone, List.of(new ApplyDnsChanges.Change("replace", old.id(), r))));
    }

    private static DnsRecord record(String name, String type, String content) {
        return new DnsRecord(Ids.uuidV7().toString(), name, type, TTL, content, null);
    }

    private String fqdn(String name) {
        return name + "." + zone + ".";
    }

    private int stored() {
        return jdbc.queryForObject("select count(*) from worker.local_records where zone = ?", Integer.class, zone);
    }
}
