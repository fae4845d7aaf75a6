package io.hostplane.api.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiApplication;
import io.hostplane.api.accounts.AccountStore;
import io.hostplane.api.testing.AuditServiceBeside;
import io.hostplane.api.tokens.TokenStore;
import io.hostplane.audit.retention.PartitionMaintenance;
import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.audit.Checkpoints;
import io.hostplane.common.audit.ExportVerifier;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.RequestRecorded;
import io.hostplane.common.id.Ids;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /audit/events}, {@code /audit/verify}, {@code /audit/export} (with its proof, verified offline) and
 * {@code /audit/keys} against the real audit service: it runs
 * here beside the API on a database of this class's own (so that the other API tests keep seeing no audit store),
 * consumes the real broker, writes as the writer role and signs checkpoints; the API reads as the reader role.
 */
@SpringBootTest(
        classes = ApiApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            ApiApplication.CONFIG_NAME,
            "hostplane.tokens.pepper=test-pepper-0123456789abcdefghijklmnop",
            "hostplane.audit.streams.allowed-hosts=127.0.0.1/32"
        })
// Closed after the class: its API context reads another database, so it must not stay in the shared consumer
// groups (job-event folding) for the API tests that run after it in this JVM.
@DirtiesContext
class AuditApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static AuditServiceBeside auditService;
    static String r2dbcUrl;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws SQLException {
        if (auditService == null) {
            auditService = AuditServiceBeside.start(
                    "hp_audit_api_",
                    "--hostplane.audit.checkpoint.every=5",
                    // Streams to a receiver of the test's on loopback, picked up and polled quickly.
                    "--hostplane.audit.streams.allowed-hosts=127.0.0.1/32",
                    "--hostplane.audit.streams.refresh-interval=300ms",
                    "--hostplane.audit.streams.poll-interval=100ms");
            r2dbcUrl = auditService.r2dbcUrl();
        }
        auditService.register(registry);
    }

    @AfterAll
    static void stopAuditService() {
        if (auditService != null) {
            auditService.close();
            auditService = null;
            r2dbcUrl = null;
        }
    }

    @Autowired
    Environment env;

    @Autowired
    AccountStore accounts;

    @Autowired
    TokenStore tokens;

    final TestInfrastructure infra = TestInfrastructure.shared();
    final EventCodec codec = new EventCodec();
    WebTestClient http;
    String tenant;
    String token;

    @BeforeEach
    void setUp() {
        http = WebTestClient.bindToServer()
                .baseUrl("http://127.0.0.1:" + env.getProperty("local.server.port"))
                .responseTimeout(Duration.ofSeconds(60))
                .build();
        tenant = accounts.create("audit-" + UUID.randomUUID().toString().substring(0, 8))
                .block()
                .id();
        token = token(tenant, "audit.read");
    }

    @Test
    void eventsAreFilteredPagedAndConfinedToTheTenant() throws Exception {
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<CloudEvent> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(request(tenant, base.plusSeconds(i), "/api/v1/r" + i, i == 3 ? 404 : 200, "tok_" + (i % 2)));
        }
        produce(sent);
        awaitRows(tenant, 5);

        // The API records every call it answers on the same store, with the time of the call: the window
        // keeps those out of this test's expectations.
        String window = "to=" + base.plusSeconds(10);
        JsonNode page1 = get("/api/v1/audit/events?limit=2&" + window, token, 200);
        assertThat(paths(page1)).containsExactly("/api/v1/r4", "/api/v1/r3");
        assertThat(page1.path("message").asString()).contains("at most 31 days");
        JsonNode item = page1.path("data").path("items").get(1);
        assertThat(item.path("outcome").asString()).isEqualTo("failed");
        assertThat(item.path("actor").path("token_id").asString()).isEqualTo("tok_1");
        assertThat(item.path("actor").path("client_ip").asString()).isEqualTo("127.0.0.1");
        String cursor = page1.path("data").path("next_cursor").asString();
        JsonNode page2 = get("/api/v1/audit/events?limit=2&" + window + "&cursor=" + cursor, token, 200);
        assertThat(paths(page2)).containsExactly("/api/v1/r2", "/api/v1/r1");
        JsonNode page3 = get(
                "/api/v1/audit/events?limit=2&" + window + "&cursor="
                        + page2.path("data").path("next_cursor").asString(),
                token,
                200);
        assertThat(paths(page3)).containsExactly("/api/v1/r0");
        assertThat(page3.path("data").path("next_cursor").isNull()).isTrue();

        assertThat(paths(get("/api/v1/audit/events?order=asc&limit=1&" + window, token, 200)))
                .containsExactly("/api/v1/r0");
        assertThat(paths(get("/api/v1/audit/events?outcome=failed&" + window, token, 200)))
                .containsExactly("/api/v1/r3");
        assertThat(paths(get("/api/v1/audit/events?actor=tok_0&order=asc&" + window, token, 200)))
                .containsExactly("/api/v1/r0", "/api/v1/r2", "/api/v1/r4");
        assertThat(paths(get("/api/v1/audit/events?resource=/api/v1/r2&" + window, token, 200)))
                .containsExactly("/api/v1/r2");
        assertThat(paths(get(
                        "/api/v1/audit/events?type=" + EventTypes.REQUEST_RECORDED + "&type=" + EventTypes.TOKEN_CREATED
                                + "&request_id=" + sent.get(1).requestid(),
                        token,
                        200)))
                .containsExactly("/api/v1/r1");
        assertThat(paths(get(
                        "/api/v1/audit/events?from=" + base.plusSeconds(1) + "&to=" + base.plusSeconds(3), token, 200)))
                .containsExactly("/api/v1/r2", "/api/v1/r1");

        // Bad input: 400 in the envelope, naming the field.
        assertThat(field(get("/api/v1/audit/events?type=io.hostplane.nope.v1", token, 400)))
                .isEqualTo("type");
        assertThat(field(get("/api/v1/audit/events?from=" + base + "&to=" + base.minusSeconds(1), token, 400)))
                .isEqualTo("to");
        assertThat(field(get("/api/v1/audit/events?from=2020-01-01T00:00:00Z", token, 400)))
                .isEqualTo("from");
        assertThat(field(get("/api/v1/audit/events?outcome=fine", token, 400))).isEqualTo("outcome");
        assertThat(field(get("/api/v1/audit/events?cursor=bm90IGEgY3Vyc29y", token, 400)))
                .isEqualTo("cursor");
        assertThat(get("/api/v1/audit/events?outcome=failed&" + window + "&cursor=" + cursor, token, 400)
                        .path("message")
                        .asString())
                .contains("other filters");

        // Another tenant sees nothing of the first; the operator sees it.
        String other = token(
                accounts.create("other-" + UUID.randomUUID().toString().substring(0, 8))
                        .block()
                        .id(),
                "audit.read");
        assertThat(get("/api/v1/audit/events", other, 200)
                        .path("data")
                        .path("items")
                        .size())
                .isZero();
        assertThat(get("/api/v1/audit/events?tenant=" + tenant, other, 404).toString())
                .doesNotContain("/api/v1/r");
        assertThat(get("/api/v1/audit/verify?tenant=" + tenant, other, 404).toString())
                .doesNotContain("\"data\"");
        String operator = operator();
        assertThat(paths(get("/api/v1/audit/events?tenant=" + tenant + "&limit=1&" + window, operator, 200)))
                .containsExactly("/api/v1/r4");

        // The cursor is signed and bound to the account, the list and the filters (issue 18): changed in one
        // character, another account's, the operator's and another list's are each a 400 naming it.
        String next = "/api/v1/audit/events?limit=2&" + window + "&cursor=";
        String changed = (cursor.charAt(0) == 'A' ? "B" : "A") + cursor.substring(1);
        assertThat(field(get(next + changed, token, 400))).isEqualTo("cursor");
        assertThat(field(get(next + cursor, other, 400))).isEqualTo("cursor");
        String operators = get("/api/v1/audit/events?limit=1&" + window, operator, 200)
                .path("data")
                .path("next_cursor")
                .asString();
        assertThat(field(get(next + operators, token, 400))).isEqualTo("cursor");
        String tokensCursor = get("/api/v1/tokens?limit=1", operator, 200)
                .path("data")
                .path("next_cursor")
                .asString();
        assertThat(field(get("/api/v1/audit/events?limit=1&" + window + "&cursor=" + tokensCursor, operator, 400)))
                .isEqualTo("cursor");
        assertThat(paths(get(next + cursor, token, 200))).containsExactly("/api/v1/r2", "/api/v1/r1");
    }

    @Test
    void verificationPassesAndFailsExactlyAtAnAlteredRowOrCheckpoint() throws Exception {
        List<CloudEvent> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sent.add(request(tenant, Instant.now(), "/api/v1/v" + i, 200, "tok_v"));
        }
        List<RecordMetadata> where = produce(sent);
        awaitRows(tenant, 12);

        JsonNode ok = get("/api/v1/audit/verify", token, 200).path("data");
        assertThat(ok.path("valid").asBoolean()).as(ok.toString()).isTrue();
        assertThat(ok.path("tenant_events").asLong()).isEqualTo(12);
        assertThat(ok.path("links_checked").asLong()).isGreaterThanOrEqualTo(12);
        assertThat(ok.path("checkpoints_checked").asLong()).isPositive();
        assertThat(ok.path("signatures_checked").asBoolean()).isTrue();

        RecordMetadata victim = where.get(7);
        String row = "topic = 'hostplane.audit' and kafka_partition = " + victim.partition() + " and kafka_offset = "
                + victim.offset();
        superuser("update audit.events set event = jsonb_set(event, '{data,status}', '500') where " + row);
        JsonNode broken = get("/api/v1/audit/verify", token, 200).path("data");
        assertThat(broken.path("valid").asBoolean()).isFalse();
        JsonNode link = broken.path("first_broken");
        assertThat(link.path("offset").asLong()).as(broken.toString()).isEqualTo(victim.offset());
        assertThat(link.path("partition").asInt()).isEqualTo(victim.partition());
        assertThat(link.path("event_id").asString()).isEqualTo(sent.get(7).id());
        assertThat(link.path("expected").asString())
                .isNotEqualTo(link.path("stored").asString());
        superuser("update audit.events set event = jsonb_set(event, '{data,status}', '200') where " + row);
        assertThat(get("/api/v1/audit/verify", token, 200)
                        .path("data")
                        .path("valid")
                        .asBoolean())
                .isTrue();

        // A checkpoint whose signature no longer verifies is a broken link too.
        long checkpoint = scalar("select max(kafka_offset) from audit.checkpoints where topic = 'hostplane.audit' "
                + "and kafka_partition = " + victim.partition() + " and kafka_offset <= "
                + where.get(11).offset());
        String cp = "topic = 'hostplane.audit' and kafka_partition = " + victim.partition() + " and kafka_offset = "
                + checkpoint;
        superuser("update audit.checkpoints set signature = decode(md5('x') || md5('y') || md5('z') || md5('w'), "
                + "'hex') where " + cp + "; select 1");
        JsonNode badSignature = get("/api/v1/audit/verify", token, 200).path("data");
        assertThat(badSignature.path("valid").asBoolean()).isFalse();
        assertThat(badSignature.path("first_broken").path("reason").asString()).contains("signature");
        assertThat(badSignature.path("first_broken").path("offset").asLong()).isEqualTo(checkpoint);
        assertThat(Checkpoints.keyId(auditService.signing().getPublic())).hasSize(16);
    }

    @Test
    void afterExpiryVerificationStartsAtTheNextSignedCheckpointAndStillFindsAnAlteredRow() throws Exception {
        // One chain written as the ingestor would have: offsets 0-9 stored on 2001-01-10, 10-19 on 2001-01-11,
        // 20-29 now, a signed checkpoint every fourth offset. The first day's partition then expires.
        String topic = "test.retention." + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(jdbcUrl(), infra.user(), infra.password())) {
            byte[] prev = ChainLink.GENESIS;
            for (long o = 0; o < 30; o++) {
                Instant storedAt = o < 10
                        ? Instant.parse("2001-01-10T08:00:00Z")
                        : o < 20 ? Instant.parse("2001-01-11T08:00:00Z") : Instant.now();
                prev = storeLink(
                        c, topic, o, storedAt, request(tenant, Instant.now(), "/api/v1/r" + o, 200, "t"), prev);
            }
        }
        var dropped = auditService.getBean(PartitionMaintenance.class).expire(Instant.parse("2001-01-11T00:00:00Z"));
        assertThat(dropped).extracting(PartitionMaintenance.Dropped::name).contains("events_p20010110");

        JsonNode ok = get("/api/v1/audit/verify", token, 200).path("data");
        assertThat(ok.path("valid").asBoolean()).as(ok.toString()).isTrue();
        assertThat(ok.path("first_broken").isNull()).isTrue();
        assertThat(ok.path("tenant_events").asLong()).isEqualTo(20);
        // 12 is the first signed checkpoint after the dropped offsets 0-9: the walk goes from 12 to 29; 10 and 11
        // are kept but cannot be verified.
        assertThat(ok.path("links_checked").asLong()).isEqualTo(18);
        assertThat(ok.path("links_unverifiable").asLong()).isEqualTo(2);
        JsonNode gap = ok.path("unverifiable").path(0);
        assertThat(gap.path("topic").asString()).isEqualTo(topic);
        assertThat(gap.path("expired_through").asLong()).isEqualTo(9);
        assertThat(gap.path("from").asLong()).isEqualTo(10);
        assertThat(gap.path("to").asLong()).isEqualTo(11);
        assertThat(gap.path("anchor").asLong()).isEqualTo(12);

        superuser("update audit.events set event = jsonb_set(event, '{data,status}', '500') where topic = '" + topic
                + "' and kafka_offset = 17");
        JsonNode broken = get("/api/v1/audit/verify", token, 200).path("data");
        assertThat(broken.path("valid").asBoolean()).isFalse();
        assertThat(broken.path("first_broken").path("offset").asLong())
                .as(broken.toString())
                .isEqualTo(17);
        assertThat(broken.path("first_broken").path("reason").asString()).contains("hash does not match");
    }

    /** Stores one event link (and its id, and a signed checkpoint at every fourth offset) as the ingestor would. */
    private static byte[] storeLink(
            Connection c, String topic, long offset, Instant storedAt, CloudEvent e, byte[] prev) throws SQLException {
        String json = new EventCodec().write(e);
        byte[] hash = ChainLink.eventHash(topic, 0, offset, prev, json);
        try (PreparedStatement p = c.prepareStatement("select audit.ensure_partitions(?, 'day')")) {
            p.setTimestamp(1, Timestamp.from(storedAt));
            p.execute();
        }
        try (PreparedStatement p = c.prepareStatement("insert into audit.events (event_id, source, type, subject, "
                + "tenant, occurred_at, topic, kafka_partition, kafka_offset, event, stored_at, hash, prev_hash) "
                + "values (?, ?, ?, ?, ?, ?, ?, 0, ?, ?::jsonb, ?, ?, ?)")) {
            p.setString(1, e.id());
            p.setString(2, e.source());
            p.setString(3, e.type());
            p.setString(4, e.subject());
            p.setString(5, e.tenant());
            p.setTimestamp(6, Timestamp.from(e.time()));
            p.setString(7, topic);
            p.setLong(8, offset);
            p.setString(9, json);
            p.setTimestamp(10, Timestamp.from(storedAt));
            p.setBytes(11, hash);
            p.setBytes(12, prev);
            p.executeUpdate();
        }
        try (PreparedStatement p =
                c.prepareStatement("insert into audit.event_ids (source, event_id, stored_at) values (?, ?, ?)")) {
            p.setString(1, e.source());
            p.setString(2, e.id());
            p.setTimestamp(3, Timestamp.from(storedAt));
            p.executeUpdate();
        }
        if (offset % 4 == 0) {
            Instant signedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            String keyId = Checkpoints.keyId(auditService.signing().getPublic());
            try (PreparedStatement p =
                    c.prepareStatement("insert into audit.checkpoints values (?, 0, ?, ?, ?, ?, ?)")) {
                p.setString(1, topic);
                p.setLong(2, offset);
                p.setBytes(3, hash);
                p.setObject(4, signedAt.atOffset(java.time.ZoneOffset.UTC));
                p.setString(5, keyId);
                p.setBytes(
                        6,
                        Checkpoints.sign(
                                auditService.signing().getPrivate(),
                                Checkpoints.signedBytes(topic, 0, offset, hash, signedAt, keyId)));
                p.executeUpdate();
            }
        }
        return hash;
    }

    @Test
    void exportStreamsEveryMatchAsOneCloudEventPerLine() throws Exception {
        int n = 3000;
        List<CloudEvent> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(request(tenant, Instant.now(), "/api/v1/e" + i, 200, "tok_e"));
        }
        produce(sent);
        awaitRows(tenant, n);
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + env.getProperty("local.server.port") + "/api/v1/audit/export"))
                .header("Authorization", "Bearer " + token)
                .build();
        long started = System.nanoTime();
        HttpResponse<java.util.stream.Stream<String>> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
        AtomicLong lines = new AtomicLong();
        try (var body = response.body()) {
            body.forEach(line -> {
                CloudEvent event = codec.read(line);
                assertThat(event.tenant()).isEqualTo(tenant);
                lines.incrementAndGet();
            });
        }
        assertThat(lines.get()).isEqualTo(n);
        System.out.printf("audit export: %d lines in %d ms%n", lines.get(), (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void aProofExportVerifiesOfflineHoldsNothingOfAnotherTenantAndFindsTampering() throws Exception {
        // Two tenants' events interleaved on the same three partitions (checkpoint.every is 5 here, so each
        // segment holds several signed checkpoints), one hour ago so that the window keeps the API's own request
        // records of these calls out.
        String other = accounts.create("proof-b-" + UUID.randomUUID().toString().substring(0, 8))
                .block()
                .id();
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        int n = 60;
        List<CloudEvent> mine = new ArrayList<>();
        List<CloudEvent> theirs = new ArrayList<>();
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CloudEvent a = request(tenant, base.plusMillis(i), "/api/v1/p" + i, 200, "tok_a");
            CloudEvent b = request(other, base.plusMillis(i), "/api/v1/secret-of-b-" + i, 200, "tok_b");
            mine.add(a);
            theirs.add(b);
            records.add(new ProducerRecord<>(Topics.AUDIT, i % 3, a.tenant(), codec.write(a)));
            records.add(new ProducerRecord<>(Topics.AUDIT, i % 3, b.tenant(), codec.write(b)));
        }
        send(records);
        awaitRows(tenant, n);
        awaitRows(other, n);

        String window = "from=" + base + "&to=" + base.plusSeconds(60);
        long started = System.nanoTime();
        String export = body("/api/v1/audit/export?proof=true&" + window, token, 200);
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<String> lines = export.lines().toList();
        ExportVerifier verifier =
                new ExportVerifier(List.of(auditService.signing().getPublic()));
        ExportVerifier.Outcome ok = verify(verifier, lines);
        assertThat(ok.status()).as(ok.describe()).isEqualTo(ExportVerifier.Status.VALID);
        assertThat(ok.counts().events()).isEqualTo(n);
        assertThat(ok.counts().chains()).isEqualTo(3);
        assertThat(ok.counts().stubs()).isGreaterThanOrEqualTo(n - 3);
        // 40 events a partition, a checkpoint every 5 offsets: some 8 in each of the three segments.
        assertThat(ok.counts().checkpoints()).isGreaterThanOrEqualTo(18);
        System.out.printf(
                "audit proof export: %d lines, %d bytes in %d ms (%s)%n",
                lines.size(), export.length(), millis, ok.describe());

        // The other tenant's links are there as stubs only: none of its ids, its name or its content.
        assertThat(export).doesNotContain(other).doesNotContain("secret-of-b").doesNotContain("tok_b");
        theirs.forEach(e -> assertThat(export).doesNotContain(e.id()));
        mine.forEach(e -> assertThat(export).contains(e.id()));
        JsonNode header = JSON.readTree(lines.get(0));
        assertThat(header.path("hostplane_export").asString()).isEqualTo("audit.v2");
        assertThat(header.path("tenant").asString()).isEqualTo(tenant);
        assertThat(header.path("key_ids").path(0).asString())
                .isEqualTo(Checkpoints.keyId(auditService.signing().getPublic()));

        // Every link was written in format v2, so every stub carries its payload's digest, and every event with a
        // signed checkpoint after it in its segment is bound to that signature (other tenants' stubs between them
        // included).
        assertThat(lines.stream().filter(l -> kind(l).equals("stub")))
                .allSatisfy(l -> assertThat(l).contains("\"payload_sha256\":\""));
        assertThat(ok.counts().eventsSealed())
                .isEqualTo(eventsBeforeACheckpoint(lines))
                .isPositive();

        // An event edited, re-hashed and the next stub's prev_hash restated to match: found at that stub, whose
        // hash is recomputed from its payload_sha256 (before link format v2 this passed, only less bound).
        int forged = nextLine(lines, 5, "event", null, "stub");
        List<String> rewritten = new ArrayList<>(lines);
        forgeEventAndNextPrevHash(rewritten, forged);
        assertBroken(verify(verifier, rewritten), forged + 2, "hash does not match the stub's payload_sha256");

        // Tampering is found at the line where it shows.
        int event = nextLine(lines, 5, "event", null, null);
        List<String> edited = new ArrayList<>(lines);
        edited.set(event, edited.get(event).replaceFirst("/api/v1/p", "/api/v1/P"));
        assertBroken(verify(verifier, edited), event + 1, "hash does not match the event");

        int stub = nextLine(lines, 5, "stub", "event", "event");
        List<String> removed = new ArrayList<>(lines);
        removed.remove(stub);
        assertBroken(verify(verifier, removed), stub + 1, "prev_hash is not the hash of the previous link");

        List<String> reordered = new ArrayList<>(lines);
        reordered.set(stub, lines.get(stub + 1));
        reordered.set(stub + 1, lines.get(stub));
        assertBroken(verify(verifier, reordered), stub + 1, "prev_hash is not the hash of the previous link");

        int later = stub + 2;
        while (!kind(lines.get(later)).equals("stub")
                || JSON.readTree(lines.get(later)).path("partition").asInt()
                        != JSON.readTree(lines.get(stub)).path("partition").asInt()) {
            later++;
        }
        List<String> swapped = new ArrayList<>(lines);
        swapped.set(stub, lines.get(later));
        swapped.set(later, lines.get(stub));
        assertBroken(verify(verifier, swapped), stub + 1, "prev_hash is not the hash of the previous link");

        int checkpoint = nextLine(lines, 1, "checkpoint", null, null);
        ExportVerifier.Outcome wrongKey =
                verify(new ExportVerifier(List.of(ed25519().getPublic())), lines);
        assertBroken(wrongKey, checkpoint + 1, "unknown key id");

        // The plain export (no proof) is not a proof export: told apart from a broken one.
        String plain = body("/api/v1/audit/export?" + window, token, 200);
        assertThat(plain.lines()).hasSize(n);
        ExportVerifier.Outcome notExport = verify(verifier, plain.lines().toList());
        assertThat(notExport.status()).as(notExport.describe()).isEqualTo(ExportVerifier.Status.NOT_AN_EXPORT);

        // proof takes true or false; a proof export has no order.
        assertThat(field(get("/api/v1/audit/export?proof=yes", token, 400))).isEqualTo("proof");
        assertThat(field(get("/api/v1/audit/export?proof=true&order=asc", token, 400)))
                .isEqualTo("order");
        assertThat(body("/api/v1/audit/export?proof=false&" + window, token, 200))
                .isEqualTo(plain);
    }

    @Test
    void theVerifyKeysArePublicAndTheDocumentedOpensslCommandsVerifyACheckpointOfARealExport() throws Exception {
        List<CloudEvent> sent = new ArrayList<>();
        Instant base = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < 6; i++) {
            sent.add(request(tenant, base.plusMillis(i), "/api/v1/o" + i, 200, "tok_o"));
        }
        produce(sent);
        awaitRows(tenant, 6);

        // No token: the keys are public.
        JsonNode keys = JSON.readTree(body("/api/v1/audit/keys", null, 200));
        JsonNode key = keys.path("data").path("items").path(0);
        String keyId = Checkpoints.keyId(auditService.signing().getPublic());
        assertThat(key.path("key_id").asString()).isEqualTo(keyId);
        assertThat(key.path("algorithm").asString()).isEqualTo("Ed25519");
        assertThat(key.path("current").asBoolean()).isTrue();
        String pem = key.path("public_key_pem").asString();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(Checkpoints.publicKey(pem)).isEqualTo(auditService.signing().getPublic());

        Assumptions.assumeTrue(onPath("openssl"), "openssl is not on PATH");
        String export =
                body("/api/v1/audit/export?proof=true&from=" + base + "&to=" + base.plusSeconds(60), token, 200);
        JsonNode checkpoint = export.lines()
                .map(JSON::readTree)
                .filter(line -> line.path("kind").asString().equals("checkpoint"))
                .findFirst()
                .orElseThrow();
        Path dir = Files.createTempDirectory("openssl-check");
        Files.writeString(dir.resolve("key.pub"), pem);
        String commands = documentedOpensslCommands();
        assertThat(openssl(
                        dir, commands, checkpoint, checkpoint.path("signed_at").asString()))
                .contains("Signature Verified Successfully");
        // The same commands over a signed_at one microsecond off: refused, so the check above can fail.
        Instant signedAt = Instant.parse(checkpoint.path("signed_at").asString());
        assertThat(openssl(dir, commands, checkpoint, signedAt.plusNanos(1000).toString()))
                .doesNotContain("Signature Verified Successfully");
    }

    /**
     * The shell block under the marker in docs/audit.md, run as written with the checkpoint's fields in the
     * variables it names; its output (exit code first).
     */
    private static String openssl(Path dir, String commands, JsonNode checkpoint, String signedAt) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", commands)
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().put("topic", checkpoint.path("topic").asString());
        builder.environment().put("partition", checkpoint.path("partition").asString());
        builder.environment().put("offset", checkpoint.path("offset").asString());
        builder.environment().put("hash", checkpoint.path("hash").asString());
        builder.environment().put("signed_at", signedAt);
        builder.environment().put("key_id", checkpoint.path("key_id").asString());
        builder.environment().put("signature", checkpoint.path("signature").asString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return process.waitFor() + " " + output;
    }

    private static String documentedOpensslCommands() throws java.io.IOException {
        String doc = Files.readString(Path.of("..", "docs", "audit.md"));
        int marker = doc.indexOf("<!-- run by AuditApiTest: the openssl check -->");
        assertThat(marker).as("the marked openssl block in docs/audit.md").isNotNegative();
        int start = doc.indexOf("```sh\n", marker) + "```sh\n".length();
        return doc.substring(start, doc.indexOf("```", start));
    }

    private static boolean onPath(String program) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    /**
     * The index of the first line at or after {@code from} of kind {@code kind} whose neighbours (the line before and
     * the line after; null: any) are of the kinds given.
     */
    private static int nextLine(List<String> lines, int from, String kind, String before, String after) {
        for (int i = Math.max(from, 1); i + 1 < lines.size(); i++) {
            if (kind(lines.get(i)).equals(kind)
                    && (before == null || kind(lines.get(i - 1)).equals(before))
                    && (after == null || kind(lines.get(i + 1)).equals(after))) {
                return i;
            }
        }
        throw new AssertionError("no " + kind + " line between " + before + " and " + after);
    }

    /** The event lines of an export with a checkpoint line after them in their chain's segment. */
    private static long eventsBeforeACheckpoint(List<String> lines) {
        long bound = 0;
        long pending = 0;
        for (String line : lines) {
            switch (kind(line)) {
                case "chain" -> pending = 0;
                case "event" -> pending++;
                case "checkpoint" -> {
                    bound += pending;
                    pending = 0;
                }
                default -> {}
            }
        }
        return bound;
    }

    /**
     * Edits the event at line {@code at} (one of its paths), gives it the v2 hash of its new content and restates
     * the next line's {@code prev_hash} to match: all that whoever edits an event can do without the signing key.
     */
    private static void forgeEventAndNextPrevHash(List<String> lines, int at) {
        String line = lines.get(at);
        JsonNode node = JSON.readTree(line);
        String edited = line.substring(line.indexOf(",\"event\":") + ",\"event\":".length(), line.length() - 1)
                .replaceFirst("/api/v1/p", "/api/v1/P");
        byte[] hash = ChainLink.eventHashV2(
                node.path("topic").asString(),
                node.path("partition").asInt(),
                node.path("offset").asLong(),
                java.util.HexFormat.of().parseHex(node.path("prev_hash").asString()),
                edited);
        String old = node.path("hash").asString();
        String now = java.util.HexFormat.of().formatHex(hash);
        lines.set(at, line.replaceFirst("/api/v1/p", "/api/v1/P").replace(old, now));
        lines.set(at + 1, lines.get(at + 1).replace(old, now));
    }

    private static String kind(String line) {
        return JSON.readTree(line).path("kind").asString();
    }

    private static ExportVerifier.Outcome verify(ExportVerifier verifier, List<String> lines)
            throws java.io.IOException {
        return verifier.verify(new java.io.StringReader(String.join("\n", lines) + "\n"));
    }

    private static void assertBroken(ExportVerifier.Outcome outcome, int line, String reason) {
        assertThat(outcome.status()).as(outcome.describe()).isEqualTo(ExportVerifier.Status.BROKEN);
        assertThat(outcome.line()).as(outcome.describe()).isEqualTo(line);
        assertThat(outcome.reason()).as(outcome.describe()).contains(reason);
    }

    @Test
    void aStreamCreatedThroughTheApiDeliversTheTenantsEventsAndShowsWhereItIs() throws Exception {
        String hecToken = "hec-" + UUID.randomUUID();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 8);
        receiver.createContext("/services/collector/event", exchange -> {
            try (var in = new java.util.zip.GZIPInputStream(exchange.getRequestBody())) {
                new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                        .lines()
                        .forEach(lines::add);
            }
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String streamer = token(tenant, "audit.stream");
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/services/collector/event";
            JsonNode created = http.post()
                    .uri("/api/v1/audit/streams")
                    .header("Authorization", "Bearer " + streamer)
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                    .bodyValue(JSON.writeValueAsString(
                            java.util.Map.of("kind", "http", "url", url, "token", hecToken, "token_type", "splunk")))
                    .exchange()
                    .expectStatus()
                    .isEqualTo(201)
                    .expectBody(JsonNode.class)
                    .returnResult()
                    .getResponseBody()
                    .path("data");
            String id = created.path("id").asString();

            // Events stored from now on: this tenant's (streamed) beside another tenant's (not).
            String other = accounts.create(
                            "other-" + UUID.randomUUID().toString().substring(0, 8))
                    .block()
                    .id();
            Instant now = Instant.now();
            List<CloudEvent> mine = new ArrayList<>();
            List<CloudEvent> theirs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                mine.add(request(tenant, now.plusMillis(i), "/api/v1/streamed" + i, 200, "tok_s"));
                theirs.add(request(other, now.plusMillis(i), "/api/v1/not-streamed" + i, 200, "tok_o"));
            }
            List<CloudEvent> all = new ArrayList<>(mine);
            all.addAll(theirs);
            produce(all);

            await("the tenant's events reach the collector")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> mine.stream().allMatch(e -> lines.stream().anyMatch(l -> l.contains(e.id()))));
            String delivered = String.join("\n", lines);
            assertThat(delivered).doesNotContain(other).doesNotContain(hecToken);
            for (String line : lines) {
                JsonNode hec = JSON.readTree(line);
                assertThat(hec.path("event").path("tenant").asString()).isEqualTo(tenant);
                assertThat(hec.path("time").isNumber()).isTrue();
                assertThat(hec.path("sourcetype").asString()).isNotEmpty();
            }
            assertThat(authorizations).allMatch(("Splunk " + hecToken)::equals);

            JsonNode shown = await("the stream's status shows the deliveries")
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () -> get("/api/v1/audit/streams/" + id, streamer, 200)
                                    .path("data"),
                            s -> s.path("delivered").asLong() >= mine.size()
                                    && !s.path("last_delivery_at").isNull());
            assertThat(shown.path("status").asString()).isEqualTo("active");
            assertThat(shown.path("position").size()).isPositive();
            assertThat(shown.path("last_error").isNull()).isTrue();
            assertThat(shown.toString()).doesNotContain(hecToken);
        } finally {
            receiver.stop(0);
        }
    }

    /** A raw GET (with {@code bearer}, or none), its body as text. */
    private String body(String path, String bearer, int status) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.getProperty("local.server.port") + path));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response.body();
    }

    private static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private void send(List<ProducerRecord<String, String>> records) throws Exception {
        try (KafkaProducer<String, String> producer = infra.producer()) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (ProducerRecord<String, String> r : records) {
                sends.add(producer.send(r));
            }
            for (Future<RecordMetadata> f : sends) {
                f.get();
            }
        }
    }

    private CloudEvent request(String tenant, Instant time, String path, int status, String tokenId) {
        String requestId = Ids.uuidV7().toString();
        CloudEvent e = codec.event(
                "/test",
                EventTypes.REQUEST_RECORDED,
                path,
                tenant,
                requestId,
                null,
                null,
                new RequestRecorded(
                        requestId, "GET", path, null, status, tokenId, "tester", "127.0.0.1", "test", 1, null));
        return new CloudEvent(
                e.specversion(),
                e.id(),
                e.source(),
                e.type(),
                time,
                e.subject(),
                e.datacontenttype(),
                e.tenant(),
                e.traceparent(),
                e.requestid(),
                e.jobid(),
                e.data());
    }

    private List<RecordMetadata> produce(List<CloudEvent> events) throws Exception {
        try (KafkaProducer<String, String> producer = infra.producer()) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (CloudEvent e : events) {
                sends.add(producer.send(new ProducerRecord<>(Topics.AUDIT, e.tenant(), codec.write(e))));
            }
            List<RecordMetadata> metadata = new ArrayList<>();
            for (Future<RecordMetadata> f : sends) {
                metadata.add(f.get());
            }
            return metadata;
        }
    }

    private void awaitRows(String tenant, long expected) throws Exception {
        String sql = "select count(*) from audit.events where tenant = '" + tenant + "'";
        await(expected + " rows of " + tenant).atMost(Duration.ofSeconds(60)).until(() -> scalar(sql) >= expected);
        assertThat(scalar(sql)).isEqualTo(expected);
    }

    private long scalar(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), infra.user(), infra.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** As a superuser, past the privileges and (in replica mode) the append-only triggers. */
    private void superuser(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
                Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
            s.execute(sql);
        }
    }

    private static String jdbcUrl() {
        return "jdbc:" + r2dbcUrl.substring("r2dbc:".length());
    }

    private JsonNode get(String path, String bearer, int status) {
        return http.get()
                .uri(URI.create(path.startsWith("/") ? path : "/" + path).toString())
                .header("Authorization", "Bearer " + bearer)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }

    private static List<String> paths(JsonNode page) {
        List<String> paths = new ArrayList<>();
        page.path("data")
                .path("items")
                .forEach(i -> paths.add(i.path("resource").asString()));
        return paths;
    }

    private static String field(JsonNode error) {
        return error.path("errors").path(0).path("field").asString();
    }

    private String token(String tenantId, String... scopes) {
        return tokens.issue(TokenStore.TokenSpec.simple(tenantId, "tester", "test", List.of(scopes)))
                .block()
                .token();
    }

    private String operator() {
        return tokens.issue(TokenStore.TokenSpec.simple(null, "operator", "op", List.of("platform.admin")))
                .block()
                .token();
    }
}
