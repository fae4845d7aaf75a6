package io.hostplane.audit;

import static org.awaitility.Awaitility.await;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.RequestRecorded;
import io.hostplane.embedded.TestInfrastructure;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the audit service's integration tests: one application context for them all (so that one consumer
 * group member ingests, which the fault test relies on), on the real broker and PostgreSQL, writing as the
 * writer role and signing a checkpoint every 2 offsets with a key of this JVM's own; the audit topics are kept 30
 * days.
 */
@SpringBootTest(
        classes = AuditApplication.class,
        properties = {
            AuditApplication.CONFIG_NAME,
            "hostplane.audit.checkpoint.every=2",
            "hostplane.audit.retention.topics=30d",
            // The stream tests run runners of their own, with short intervals (AuditStreamTestSupport).
            "hostplane.audit.streams.enabled=false"
        },
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class AuditServiceTest {

    protected static final KeyPair SIGNING = ed25519();

    @Autowired
    protected KafkaTemplate<String, String> kafka;

    @Autowired
    protected EventCodec codec;

    protected final TestInfrastructure infra = TestInfrastructure.shared();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
        registry.add(
                "hostplane.audit.signing-key",
                () -> Base64.getEncoder().encodeToString(SIGNING.getPrivate().getEncoded()));
    }

    /** A connection as the schema's owner (the test login). */
    protected Connection owner() throws SQLException {
        return DriverManager.getConnection(infra.jdbcUrl(), infra.user(), infra.password());
    }

    protected static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits up to two minutes until {@code sql} counts at least {@code expected}; returns the last count. */
    protected long awaitAtLeast(String sql, long expected) throws Exception {
        try (Connection c = owner()) {
            long[] count = {count(c, sql)};
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> (count[0] = count(c, sql)) >= expected);
            } catch (ConditionTimeoutException e) {
                // The caller asserts on the count it gets back, with its own message.
            }
            return count[0];
        }
    }

    /** A request record of {@code tenant} for {@code path}, as the API writes them. */
    protected CloudEvent requestRecorded(String tenant, String path) {
        String requestId = UUID.randomUUID().toString();
        return codec.event(
                "/test",
                EventTypes.REQUEST_RECORDED,
                path,
                tenant,
                requestId,
                null,
                null,
                new RequestRecorded(requestId, "GET", path, null, 200, "tok_1", "demo", "127.0.0.1", "test", 1, null));
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
