package io.hostplane.audit.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.audit.AuditServiceTest;
import io.hostplane.audit.chain.CheckpointSigner;
import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.RequestRecorded;
import io.hostplane.common.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

class AuditIngestorTest extends AuditServiceTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    CheckpointSigner signer;

    /**
     * An ingestor keeps each chain's tail between polls instead of reading it every time; when another writer
     * (a consumer that held the partition during a rebalance) extends the chain meanwhile, the next poll sees that
     * the kept tail moved and continues from the real one: the chain does not fork.
     */
    @Test
    void aChainExtendedByAnotherWriterIsContinuedFromItsRealTail() throws Exception {
        String topic = "test.chain-" + UUID.randomUUID().toString().substring(0, 8);
        AuditIngestor first = new AuditIngestor(jdbc, tx, codec, signer, new SimpleMeterRegistry());
        AuditIngestor other = new AuditIngestor(jdbc, tx, codec, signer, new SimpleMeterRegistry());
        assertThat(first.ingest(records(topic, 0, 3))).isEqualTo(3);
        assertThat(first.tailReads()).isEqualTo(1);
        // Its own tail is kept: the next poll of the chain reads none.
        assertThat(first.ingest(records(topic, 3, 5))).isEqualTo(2);
        assertThat(first.tailReads()).isEqualTo(1);
        assertThat(other.ingest(records(topic, 5, 10))).isEqualTo(5);
        // The kept tail moved: read again.
        assertThat(first.ingest(records(topic, 10, 15))).isEqualTo(5);
        assertThat(first.tailReads()).isEqualTo(2);
        // A redelivery of what the other one stored is skipped by the first one too, by its offsets.
        assertThat(first.ingest(records(topic, 5, 10))).isZero();

        byte[] previous = ChainLink.GENESIS;
        try (Connection c = owner();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select kafka_offset, prev_hash, hash from audit.events where topic = '"
                        + topic + "' order by kafka_offset")) {
            int rows = 0;
            while (rs.next()) {
                assertThat(rs.getLong(1)).isEqualTo(rows);
                assertThat(rs.getBytes(2))
                        .as("offset %d continues the chain", rows)
                        .isEqualTo(previous);
                previous = rs.getBytes(3);
                rows++;
            }
            assertThat(rows).isEqualTo(15);
        }
    }

    private List<ConsumerRecord<String, String>> records(String topic, int from, int to) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        for (int offset = from; offset < to; offset++) {
            String path = "/chain/" + offset;
            CloudEvent event = codec.event(
                    "/test",
                    EventTypes.REQUEST_RECORDED,
                    path,
                    "t_chain",
                    "r" + offset,
                    null,
                    null,
                    new RequestRecorded("r" + offset, "GET", path, null, 200, "tok_1", "demo", null, null, 1, null));
            records.add(new ConsumerRecord<>(topic, 0, offset, "t_chain", codec.write(event)));
        }
        return records;
    }

    @Test
    void storesEachEventOnceEvenWhenItArrivesTwice() throws Exception {
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        String requestId = UUID.randomUUID().toString();
        CloudEvent event = codec.event(
                "/test",
                EventTypes.REQUEST_RECORDED,
                "/api/v1/x",
                tenant,
                requestId,
                null,
                null,
                new RequestRecorded(
                        requestId,
                        "GET",
                        "/api/v1/x",
                        "/api/v1/x",
                        200,
                        "tok_1",
                        "demo",
                        "127.0.0.1",
                        "test",
                        3,
                        null));
        String json = codec.write(event);
        kafka.send(Topics.AUDIT, tenant, json).get();
        kafka.send(Topics.AUDIT, tenant, json).get();
        CloudEvent other = codec.event(
                "/test",
                EventTypes.REQUEST_RECORDED,
                "/api/v1/y",
                tenant,
                requestId,
                null,
                null,
                new RequestRecorded(
                        requestId, "GET", "/api/v1/y", null, 404, "tok_1", "demo", "127.0.0.1", "test", 1, null));
        kafka.send(Topics.AUDIT, tenant, codec.write(other)).get();

        assertThat(awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 2))
                .isEqualTo(2);
        // The duplicate arrived before the third event on the same partition, so it has been seen by now.
        try (Connection c = owner();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select count(*), count(distinct event_id) from audit.events where request_id = '" + requestId
                                + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
            assertThat(rs.getInt(2)).isEqualTo(2);
        }
    }

    @Test
    void theStoreRefusesUpdatesAndDeletes() throws Exception {
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        CloudEvent event = codec.event(
                "/test",
                EventTypes.REQUEST_RECORDED,
                "/z",
                tenant,
                "r1",
                null,
                null,
                new RequestRecorded("r1", "GET", "/z", null, 200, "tok_1", "demo", null, null, 1, null));
        kafka.send(Topics.AUDIT, tenant, codec.write(event)).get();
        awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 1);
        try (Connection c = owner();
                Statement s = c.createStatement()) {
            assertThatThrownBy(
                            () -> s.executeUpdate("update audit.events set type = 'x' where tenant = '" + tenant + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit.events where tenant = '" + tenant + "'"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
        }
    }

    /**
     * The store is written with COPY's text format, in which backslash, tab, newline and carriage return mean
     * something: an event made of them (and of text beyond ASCII, as a producer may lay its JSON out) is stored
     * exactly, with a hash that the stored row reproduces.
     */
    @Test
    void storesAwkwardTextExactly() throws Exception {
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        String id = UUID.randomUUID().toString();
        // A pretty-printed event: tabs, CR LF and LF between tokens; in its strings an escaped tab, newline,
        // carriage return and backslash, a literal backslash sequence that COPY would read as an escape (\\N),
        // and characters beyond ASCII.
        String json = "{\r\n\t\"specversion\": \"1.0\",\n\t\"id\": \"" + id + "\",\n"
                + "\t\"source\": \"/test\\\\awkward\",\n\t\"type\": \"" + EventTypes.REQUEST_RECORDED + "\",\n"
                + "\t\"time\": \"2026-11-26T08:00:00.123456789Z\",\n"
                + "\t\"subject\": \"tab\\there\\nnew line\\r\\\\N z\u00fcrich \u2713\",\n"
                + "\t\"tenant\": \"" + tenant + "\",\n\t\"data\": {\"note\": \"a\\tb\", \"n\": 1.50}\r\n}";
        var sent = kafka.send(Topics.AUDIT, tenant, json).get().getRecordMetadata();

        awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 1);
        try (Connection c = owner();
                var q = c.prepareStatement("select source, subject, event::text, hash, prev_hash, occurred_at "
                        + "from audit.events where topic = ? and kafka_partition = ? and kafka_offset = ?")) {
            q.setString(1, Topics.AUDIT);
            q.setInt(2, sent.partition());
            q.setLong(3, sent.offset());
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("/test\\awkward");
                assertThat(rs.getString(2)).isEqualTo("tab\there\nnew line\r\\N z\u00fcrich \u2713");
                String stored = rs.getString(3);
                assertThat(ChainLink.canonicalJson(stored)).isEqualTo(ChainLink.canonicalJson(json));
                assertThat(rs.getBytes(4))
                        .isEqualTo(ChainLink.eventHashV2(
                                Topics.AUDIT, sent.partition(), sent.offset(), rs.getBytes(5), json))
                        .isEqualTo(ChainLink.eventHashV2(
                                Topics.AUDIT, sent.partition(), sent.offset(), rs.getBytes(5), stored));
                assertThat(rs.getObject(6, OffsetDateTime.class).toInstant())
                        .isEqualTo(Instant.parse("2026-11-26T08:00:00.123457Z"));
            }
        }
    }

    /**
     * Events PostgreSQL would refuse (an indexed attribute too long for a B-tree entry) or that are out of the
     * store's range (a time after the year 9999) are quarantined with the reason; they do not stop the events
     * behind them on the same partition.
     */
    @Test
    void quarantinesEventsTheStoreCouldNotHoldAndGoesOn() throws Exception {
        String tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        CloudEvent good = requestRecorded(tenant, "/after");
        // Random text: PostgreSQL compresses a long index entry, and a repetitive one would fit.
        byte[] noise = new byte[3000];
        new SecureRandom().nextBytes(noise);
        String longTenant =
                codec.write(requestRecorded(tenant + Base64.getEncoder().encodeToString(noise), "/long"));
        String farFuture = codec.write(requestRecorded(tenant, "/future"))
                .replaceFirst("\"time\":\"[^\"]*\"", "\"time\":\"+12026-01-01T00:00:00Z\"");
        assertThat(farFuture).contains("+12026");
        // The same key: one partition, in this order.
        var first = kafka.send(Topics.AUDIT, tenant, longTenant).get().getRecordMetadata();
        var second = kafka.send(Topics.AUDIT, tenant, farFuture).get().getRecordMetadata();
        kafka.send(Topics.AUDIT, tenant, codec.write(good)).get();

        awaitAtLeast("select count(*) from audit.events where tenant = '" + tenant + "'", 1);
        try (Connection c = owner();
                var q = c.prepareStatement("select kafka_offset, reason from audit.quarantine where topic = ? "
                        + "and kafka_partition = ? and kafka_offset in (?, ?) order by kafka_offset")) {
            q.setString(1, Topics.AUDIT);
            q.setInt(2, first.partition());
            q.setLong(3, first.offset());
            q.setLong(4, second.offset());
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("attribute tenant is longer than 400 characters");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).contains("outside the years 1 to 9999");
            }
            assertThat(count(c, "select count(*) from audit.events where event_id = '" + good.id() + "'"))
                    .isEqualTo(1);
        }
    }
}
