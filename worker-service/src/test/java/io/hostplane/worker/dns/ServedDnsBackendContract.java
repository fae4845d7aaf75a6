package io.hostplane.worker.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
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
import io.hostplane.embedded.PowerDnsServer;
import io.hostplane.worker.WorkerApplication;
import io.hostplane.worker.WorkerJobs;
import io.hostplane.worker.system.JobFailure;
import io.hostplane.worker.system.TransientBackendException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What every DNS backend that talks to a real server must do, checked by asking that server (a PowerDNS
 * started for the test class) over UDP after each change. Subclasses start the server and choose the backend.
 */
@DirtiesContext // one worker (one consumer of the commands) at a time
@SpringBootTest(
        classes = WorkerApplication.class,
        properties = WorkerApplication.CONFIG_NAME,
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
abstract class ServedDnsBackendContract {

    static final int TTL = 300;

    @Autowired
    DnsBackend backend;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    EventCodec codec;

    String tenant;
    String zone;
    DnsQueries dns;

    /** The server the backend changes. */
    abstract PowerDnsServer server();

    /** Whatever must exist on the server before the backend can create {@code zone}. */
    abstract void prepareZone(String zone);

    /** The apex NS records the server has for a zone the backend created, before any change. */
    abstract List<String> ownNameservers(String zone);

    /** Skips the class when PowerDNS is not installed, except under CI, where that is an error. */
    static void requirePowerDns() {
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(
                    PowerDnsServer.isInstalled(),
                    "PowerDNS (pdns-server, pdns-backend-sqlite3, sqlite3) is not installed");
        }
        assertThat(PowerDnsServer.isInstalled())
                .as("CI must have pdns-server, pdns-backend-sqlite3 and sqlite3 (installed by .ci/run)")
                .isTrue();
    }

    /** A PowerDNS of the test class's own, under {@code target/} (the class is skipped without PowerDNS). */
    static PowerDnsServer newPowerDns() {
        requirePowerDns();
        return new PowerDnsServer(Path.of("target", "pdns-" + UUID.randomUUID())).start();
    }

    @BeforeEach
    void newZone() {
        tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        zone = newZoneName();
        dns = new DnsQueries(server().dnsPort());
        prepareZone(zone);
        backend.createZone(tenant, zone);
    }

    static String newZoneName() {
        return "z" + UUID.randomUUID().toString().substring(0, 8) + ".test";
    }

    String fqdn(String name) {
        return name.equals("@") ? zone + "." : name + "." + zone + ".";
    }

    static DnsRecord record(String name, String type, String content) {
        return record(name, type, content, null);
    }

    static DnsRecord record(String name, String type, String content, Integer priority) {
        return new DnsRecord(Ids.uuidV7().toString(), name, type, TTL, content, priority);
    }

    static ApplyDnsChanges.Change create(DnsRecord r) {
        return new ApplyDnsChanges.Change("create", r.id(), r);
    }

    static ApplyDnsChanges.Change replace(DnsRecord old, String name, String type, String content) {
        return new ApplyDnsChanges.Change(
                "replace", old.id(), new DnsRecord(old.id(), name, type, TTL, content, old.priority()));
    }

    static ApplyDnsChanges.Change delete(DnsRecord r) {
        return new ApplyDnsChanges.Change("delete", r.id(), null);
    }

    int stored(String zone) {
        return jdbc.queryForObject("select count(*) from worker.local_records where zone = ?", Integer.class, zone);
    }

    @Test
    void theNewZoneAnswersWithItsSoaAndNameservers() {
        Message soa = dns.query(zone + ".", Type.SOA);
        assertThat(soa.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(soa.getSection(Section.ANSWER))
                .singleElement()
                .satisfies(r -> assertThat(r.getType()).isEqualTo(Type.SOA));
        assertThat(dns.answers(zone + ".", Type.NS)).isEqualTo(ownNameservers(zone));
    }

    @Test
    void everyRecordTypeIsServedAsCreated() {
        List<DnsRecord> records = List.of(
                record("www", "A", "192.0.2.10"),
                record("www", "AAAA", "2001:db8::10"),
                record("shop", "CNAME", "www"), // relative: the zone is appended
                record("@", "MX", "mail." + zone + ".", 10),
                record("@", "TXT", "\"v=spf1 -all\""),
                record("_sip._tcp", "SRV", "5 5060 sip." + zone + ".", 20),
                record("@", "CAA", "0 issue \"letsencrypt.org\""),
                record("sub", "NS", "ns.example.net."),
                record("10", "PTR", "host.example.net."),
                record("nomail", "MX", ".", 0)); // a null MX (RFC 7505)
        for (DnsRecord r : records) {
            assertThat(backend.createRecord(zone, r).warnings()).isEmpty();
        }

        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.10");
        assertThat(dns.ttls(fqdn("www"), Type.A)).containsExactly((long) TTL);
        assertThat(dns.answers(fqdn("www"), Type.AAAA))
                .singleElement()
                .satisfies(a -> assertThat(InetAddress.getByName(a)).isEqualTo(InetAddress.getByName("2001:db8::10")));
        assertThat(dns.answers(fqdn("shop"), Type.CNAME)).containsExactly(fqdn("www"));
        assertThat(dns.answers(fqdn("@"), Type.MX)).containsExactly("10 mail." + zone + ".");
        assertThat(dns.txt(fqdn("@"))).containsExactly(List.of("v=spf1 -all"));
        assertThat(dns.answers(fqdn("_sip._tcp"), Type.SRV)).containsExactly("20 5 5060 sip." + zone + ".");
        assertThat(dns.answers(fqdn("@"), Type.CAA)).containsExactly("0 issue \"letsencrypt.org\"");
        // A delegation: the server refers the resolver to the child's name server.
        assertThat(dns.authority(fqdn("sub"), Type.NS)).containsExactly("ns.example.net.");
        assertThat(dns.answers(fqdn("10"), Type.PTR)).containsExactly("host.example.net.");
        assertThat(dns.answers(fqdn("nomail"), Type.MX)).containsExactly("0 .");
        assertThat(stored(zone)).isEqualTo(records.size());
    }

    @Test
    void aTxtLongerThan255BytesIsServedAsSeveralStrings() {
        String text = "v=DKIM1; k=rsa; p=" + "A".repeat(300) + "IDAQAB";
        backend.createRecord(zone, record("dkim._domainkey", "TXT", text));

        List<List<String>> answer = dns.txt(fqdn("dkim._domainkey"));
        assertThat(answer).singleElement().satisfies(strings -> {
            assertThat(strings).hasSize(2);
            assertThat(strings).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
            assertThat(String.join("", strings)).isEqualTo(text);
        });
    }

    @Test
    void aReplacedRecordAnswersWithItsNewContentAndADeletedOneIsGone() {
        DnsRecord www = record("www", "A", "192.0.2.20");
        DnsRecord note = record("www", "TXT", "\"hello\"");
        backend.applyBatch(zone, List.of(create(www), create(note)));
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.20");

        backend.applyBatch(zone, List.of(replace(www, "www", "A", "192.0.2.21")));
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.21");

        // A replace that renames: the old name's rrset goes, the new one comes.
        backend.applyBatch(zone, List.of(replace(www, "web", "A", "192.0.2.22")));
        assertThat(dns.answers(fqdn("web"), Type.A)).containsExactly("192.0.2.22");
        assertThat(dns.answers(fqdn("www"), Type.A)).isEmpty();
        assertThat(dns.rcode(fqdn("www"), Type.A)).isEqualTo(Rcode.NOERROR); // NODATA: www still has a TXT

        backend.applyBatch(zone, List.of(delete(note)));
        assertThat(dns.rcode(fqdn("www"), Type.TXT)).isEqualTo(Rcode.NXDOMAIN);
        backend.applyBatch(zone, List.of(delete(www)));
        assertThat(dns.rcode(fqdn("web"), Type.A)).isEqualTo(Rcode.NXDOMAIN);
        assertThat(stored(zone)).isZero();
    }

    @Test
    void twoRecordsOfOneNameAndTypeAreServedTogetherAndDeletingOneKeepsTheOther() {
        DnsRecord first = record("pool", "A", "192.0.2.31");
        DnsRecord second = record("pool", "A", "192.0.2.32");
        backend.createRecord(zone, first);
        backend.createRecord(zone, second);
        assertThat(dns.answers(fqdn("pool"), Type.A)).containsExactly("192.0.2.31", "192.0.2.32");

        backend.applyBatch(zone, List.of(delete(first)));
        assertThat(dns.answers(fqdn("pool"), Type.A)).containsExactly("192.0.2.32");
    }

    @Test
    void aBatchEndingWithAReplaceOfAMissingRecordChangesNothing() {
        DnsRecord www = record("www", "A", "192.0.2.40");
        backend.createRecord(zone, www);

        DnsRecord fresh = record("fresh", "A", "192.0.2.41");
        DnsRecord ghost = record("ghost", "A", "192.0.2.42");
        assertThatThrownBy(() -> backend.applyBatch(
                        zone,
                        List.of(
                                create(fresh),
                                replace(www, "www", "A", "192.0.2.43"),
                                replace(ghost, "ghost", "A", "192.0.2.44"))))
                .isInstanceOf(JobFailure.class)
                .extracting(e -> ((JobFailure) e).code())
                .isEqualTo("RECORD_NOT_FOUND");

        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.40");
        assertThat(dns.rcode(fqdn("fresh"), Type.A)).isEqualTo(Rcode.NXDOMAIN);
        assertThat(stored(zone)).isEqualTo(1);
    }

    @Test
    void applyingTheSameChangesTwiceGivesTheSameSingleAnswer() {
        DnsRecord www = record("www", "A", "192.0.2.50");
        backend.createRecord(zone, www);
        backend.createRecord(zone, www);
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.50");

        DnsRecord mail = record("@", "MX", "mail." + zone + ".", 10);
        List<ApplyDnsChanges.Change> batch = List.of(create(mail), replace(www, "www", "A", "192.0.2.51"));
        backend.applyBatch(zone, batch);
        backend.applyBatch(zone, batch);
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.51");
        assertThat(dns.answers(fqdn("@"), Type.MX)).containsExactly("10 mail." + zone + ".");
        assertThat(stored(zone)).isEqualTo(2);
    }

    @Test
    void anIdenticalRecordUnderAnotherIdChangesNothingAndWarns() {
        backend.createRecord(zone, record("www", "A", "192.0.2.55"));
        DnsBackend.Applied again = backend.createRecord(zone, record("www", "A", "192.0.2.55"));
        assertThat(again.warnings()).extracting(w -> w.code()).containsExactly("RECORD_EXISTS");
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.55");
        assertThat(stored(zone)).isEqualTo(1);
    }

    @Test
    void apexNameserversAddedByTheApiComeOnTopOfTheServersOwn() {
        DnsRecord extra = record("@", "NS", "ns9.example.net.");
        backend.createRecord(zone, extra);
        List<String> expected = new java.util.ArrayList<>(ownNameservers(zone));
        expected.add("ns9.example.net.");
        assertThat(dns.answers(zone + ".", Type.NS)).containsExactlyInAnyOrderElementsOf(expected);

        backend.applyBatch(zone, List.of(delete(extra)));
        assertThat(dns.answers(zone + ".", Type.NS)).isEqualTo(ownNameservers(zone));
    }

    @Test
    void aRecordForAZoneTheWorkerDoesNotKnowFailsWithZoneNotFound() {
        assertThatThrownBy(() -> backend.createRecord(newZoneName(), record("www", "A", "192.0.2.60")))
                .isInstanceOf(JobFailure.class)
                .extracting(e -> ((JobFailure) e).code())
                .isEqualTo(ErrorCodes.ZONE_NOT_FOUND);
    }

    @Test
    void whileTheServerIsDownAChangeIsATransientFaultAndIsNotKept() {
        DnsRecord www = record("www", "A", "192.0.2.70");
        server().stop();
        try {
            assertThatThrownBy(() -> backend.createRecord(zone, www)).isInstanceOf(TransientBackendException.class);
            assertThat(stored(zone)).isZero();
        } finally {
            server().start();
        }
        backend.createRecord(zone, www);
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.70");
    }

    @Test
    void commandsThroughTheWorkerAreServedAndARedeliveryChangesNothing() throws Exception {
        String other = newZoneName();
        prepareZone(other);
        try (WorkerJobs jobs = new WorkerJobs(kafka, codec, tenant, other)) {
            assertThat(jobs.awaitTerminal(jobs.send(JobTypes.DOMAIN_CREATE, new CreateZone(other))))
                    .extracting(JobStateChanged::status)
                    .last()
                    .isEqualTo(JobStatus.SUCCEEDED);
            DnsRecord www = record("www", "A", "192.0.2.80");
            CloudEvent command = jobs.command(JobTypes.DNS_RECORD_CREATE, new CreateDnsRecord(other, www));
            List<CloudEvent> first = jobs.awaitTerminalEvents(jobs.send(command));
            assertThat(codec.data(first.get(first.size() - 1), JobStateChanged.class)
                            .status())
                    .isEqualTo(JobStatus.SUCCEEDED);
            assertThat(dns.answers("www." + other + ".", Type.A)).containsExactly("192.0.2.80");

            jobs.send(command);
            CloudEvent again = jobs.awaitEvent(e -> command.jobid().equals(e.jobid()));
            assertThat(again.id()).isEqualTo(first.get(first.size() - 1).id());
            assertThat(again.type()).isEqualTo(EventTypes.job(JobStatus.SUCCEEDED));
            assertThat(dns.answers("www." + other + ".", Type.A)).containsExactly("192.0.2.80");
            assertThat(stored(other)).isEqualTo(1);
        }
    }

    @Test
    void whileTheServerIsDownTheWorkerRetriesThenFailsTheJobWithBackendError() throws Exception {
        try (WorkerJobs jobs = new WorkerJobs(kafka, codec, tenant, zone)) {
            server().stop();
            List<JobStateChanged> events;
            try {
                events = jobs.awaitTerminal(jobs.send(
                        JobTypes.DNS_RECORD_CREATE, new CreateDnsRecord(zone, record("www", "A", "192.0.2.90"))));
            } finally {
                server().start();
            }
            JobStateChanged done = events.get(events.size() - 1);
            assertThat(done.status()).isEqualTo(JobStatus.FAILED);
            assertThat(done.error().code()).isEqualTo(ErrorCodes.BACKEND_ERROR);
            assertThat(done.attempts()).isEqualTo(4);
            assertThat(stored(zone)).isZero();
            assertThat(dns.rcode(fqdn("www"), Type.A)).isEqualTo(Rcode.NXDOMAIN);
        }
    }
}
