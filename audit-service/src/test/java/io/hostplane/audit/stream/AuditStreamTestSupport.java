package io.hostplane.audit.stream;

import io.hostplane.audit.AuditServiceTest;
import io.hostplane.common.crypto.SealedBox;
import io.hostplane.common.topic.Topics;
import io.hostplane.platform.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the stream tests: the API's real {@code api.audit_streams} (its migration file, run into schema
 * {@code api} of the test database), definitions inserted as the API inserts them (credentials sealed with
 * {@link SealedBox} under a key of this JVM), runners of the tests' own with short intervals, and events fed
 * through the real broker and ingest.
 */
abstract class AuditStreamTestSupport extends AuditServiceTest {

    static final byte[] KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(KEY);
    }

    static final SealedBox BOX = new SealedBox(KEY);

    private final List<StreamRunner> runners = new ArrayList<>();
    private final List<UUID> defined = new ArrayList<>();

    @BeforeEach
    void apiSchema() throws Exception {
        try (Connection c = owner();
                Statement s = c.createStatement()) {
            s.execute("select pg_advisory_lock(hashtext('stream-test-api-schema'), 0)");
            try (ResultSet rs = s.executeQuery("select to_regclass('api.audit_streams') is not null")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    // Maven runs a module's tests in the module's folder.
                    String migration = Files.readString(Path.of(
                            "..", "api-service", "src", "main", "resources", "db", "api", "V16__audit_streams.sql"));
                    s.execute("create schema if not exists api");
                    s.execute("set search_path = api");
                    s.execute(migration);
                    s.execute("reset search_path");
                }
            } finally {
                s.execute("select pg_advisory_unlock(hashtext('stream-test-api-schema'), 0)");
            }
        }
    }

    @AfterEach
    void stopRunnersAndForgetStreams() throws Exception {
        stopRunners();
        try (Connection c = owner();
                PreparedStatement p = c.prepareStatement("delete from api.audit_streams where id = any(?)")) {
            p.setArray(1, c.createArrayOf("uuid", defined.toArray()));
            p.executeUpdate();
        }
        defined.clear();
    }

    /** Test settings: short intervals; {@code pauseAfter} and {@code confirmAfter} as the test needs. */
    static StreamProperties properties(Duration pauseAfter, Duration confirmAfter) {
        return new StreamProperties(
                true,
                Duration.ofMillis(100),
                Duration.ofMillis(300),
                50,
                Duration.ofSeconds(5),
                pauseAfter,
                confirmAfter,
                Duration.ofMillis(400),
                10_000,
                new StreamProperties.Http(Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new StreamProperties.Syslog("hostplane-test", Duration.ofSeconds(2)),
                Base64.getEncoder().encodeToString(KEY),
                2,
                // localhost may resolve to ::1 as well
                List.of("127.0.0.1/32", "::1/128"));
    }

    /** {@code base} with another sealing key (null: none) and allow-list. */
    static StreamProperties with(StreamProperties base, String encryptionKey, List<String> allowedHosts) {
        return new StreamProperties(
                base.enabled(),
                base.pollInterval(),
                base.refreshInterval(),
                base.batchSize(),
                base.leaseDuration(),
                base.pauseAfter(),
                base.confirmAfter(),
                base.maxBackoff(),
                base.lagCap(),
                base.http(),
                base.syslog(),
                encryptionKey,
                base.dbPoolSize(),
                allowedHosts);
    }

    /** A started runner of the test's own (stopped after the test). */
    StreamRunner runner(StreamProperties properties) {
        StreamRunner runner = new StreamRunner(
                new DatabaseSettings(infra.r2dbcUrl(), infra.user(), infra.password())
                        .newDataSource("stream-test", properties.dbPoolSize()),
                properties,
                "test-" + UUID.randomUUID().toString().substring(0, 8));
        runners.add(runner);
        runner.start();
        return runner;
    }

    /** Stops every runner the test started (as when the audit service stops). */
    void stopRunners() {
        runners.forEach(StreamRunner::close);
        runners.clear();
    }

    void stop(StreamRunner runner) {
        runner.close();
        runners.remove(runner);
    }

    /** Inserts a definition as the API does: credentials sealed under the stream's own contexts. */
    UUID define(
            String tenant,
            String kind,
            String url,
            String host,
            Integer port,
            String tokenType,
            String token,
            String caPem,
            List<String> types)
            throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = owner();
                PreparedStatement p = c.prepareStatement("insert into api.audit_streams (id, tenant, kind, url, host, "
                        + "port, types, token_type, token_sealed, ca_pem_sealed, seal_key_id) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setObject(1, id);
            p.setString(2, tenant);
            p.setString(3, kind);
            p.setString(4, url);
            p.setString(5, host);
            p.setObject(6, port);
            p.setArray(7, c.createArrayOf("text", types.toArray()));
            p.setString(8, tokenType);
            p.setBytes(9, token == null ? null : BOX.seal(token, "audit-stream:" + id + ":token"));
            p.setBytes(10, caPem == null ? null : BOX.seal(caPem, "audit-stream:" + id + ":ca_pem"));
            p.setString(11, BOX.keyId());
            p.executeUpdate();
        }
        defined.add(id);
        return id;
    }

    /**
     * Sends {@code count} request records of {@code tenant} through the broker, keyed over four keys so that they
     * spread over partitions; answers their event ids.
     */
    List<String> send(String tenant, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var event = requestRecorded(tenant, "/stream/" + i);
            ids.add(event.id());
            sent.add(kafka.send(Topics.AUDIT, tenant + "-" + (i % 4), codec.write(event)));
        }
        for (CompletableFuture<?> f : sent) {
            f.get();
        }
        return ids;
    }

    /** One row of {@code audit_stream.status}, by column name (null when the stream has none). */
    Map<String, Object> status(UUID stream) throws Exception {
        try (Connection c = owner();
                PreparedStatement p = c.prepareStatement("select * from audit_stream.status where stream_id = ?")) {
            p.setObject(1, stream);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
                }
                return row;
            }
        }
    }

    /** The stored chain positions of {@code tenant}'s events: (topic/partition) → last offset. */
    Map<String, Long> storedTails(String tenant) throws Exception {
        Map<String, Long> tails = new HashMap<>();
        try (Connection c = owner();
                PreparedStatement p = c.prepareStatement("select topic || '/' || kafka_partition, max(kafka_offset) "
                        + "from audit.events where tenant = ? group by 1")) {
            p.setString(1, tenant);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    tails.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return tails;
    }

    /** The stream's durable positions: (topic/partition) → offset. */
    Map<String, Long> positions(UUID stream) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = owner();
                PreparedStatement p = c.prepareStatement("select topic || '/' || kafka_partition, kafka_offset "
                        + "from audit_stream.positions where stream_id = ?")) {
            p.setObject(1, stream);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    static String tenant() {
        return "t_" + UUID.randomUUID().toString().substring(0, 8);
    }
}
