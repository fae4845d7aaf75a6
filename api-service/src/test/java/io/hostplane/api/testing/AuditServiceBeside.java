package io.hostplane.api.testing;

import io.hostplane.audit.AuditApplication;
import io.hostplane.embedded.TestInfrastructure;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real audit service beside the API under test, on a database of its own (so that the other API tests keep
 * seeing no audit store): it consumes the shared broker, writes as the writer role and signs checkpoints with a key
 * made here; {@link #register} points the API at that database, as the reader role, with the key to verify.
 */
public final class AuditServiceBeside implements AutoCloseable {

    /** The sealing key of the API under test, {@code hostplane.ssl.encryption-key} in its test configuration. */
    public static final String SEALING_KEY = "dGVzdC1vbmx5LXNzbC1lbmNyeXB0aW9uLWtleS0zMmI=";

    private final String r2dbcUrl;
    private final KeyPair signing;
    private final ConfigurableApplicationContext context;

    private AuditServiceBeside(String r2dbcUrl, KeyPair signing, ConfigurableApplicationContext context) {
        this.r2dbcUrl = r2dbcUrl;
        this.signing = signing;
        this.context = context;
    }

    /** Creates a database named from {@code databasePrefix} and starts the service on it; {@code more} are added. */
    public static AuditServiceBeside start(String databasePrefix, String... more) throws SQLException {
        TestInfrastructure infra = TestInfrastructure.shared();
        String r2dbcUrl = infra.createDatabase(databasePrefix);
        KeyPair signing = ed25519();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + infra.kafkaBootstrapServers(),
                "--spring.r2dbc.url=" + r2dbcUrl,
                "--spring.r2dbc.username=" + infra.user(),
                "--spring.r2dbc.password=" + infra.password(),
                "--hostplane.audit.writer.username=" + TestInfrastructure.AUDIT_WRITER,
                "--hostplane.audit.writer.password=" + TestInfrastructure.AUDIT_PASSWORD,
                "--hostplane.audit.reader.username=" + TestInfrastructure.AUDIT_READER,
                "--hostplane.audit.signing-key="
                        + Base64.getEncoder()
                                .encodeToString(signing.getPrivate().getEncoded())));
        // The API tests' sealing key (config/api-service.yml under test resources): the service opens the
        // credentials of the audit streams those APIs store.
        args.add("--hostplane.ssl.encryption-key=" + SEALING_KEY);
        args.addAll(List.of(more));
        return new AuditServiceBeside(
                r2dbcUrl, signing, AuditApplication.builder().run(args.toArray(String[]::new)));
    }

    /** The API's settings for this audit store: the shared broker, the store as the reader role, the key. */
    public void register(DynamicPropertyRegistry registry) {
        TestInfrastructure infra = TestInfrastructure.shared();
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrapServers);
        registry.add("spring.r2dbc.url", () -> r2dbcUrl);
        registry.add("spring.r2dbc.username", infra::user);
        registry.add("spring.r2dbc.password", infra::password);
        registry.add("hostplane.audit.reader.username", () -> TestInfrastructure.AUDIT_READER);
        registry.add("hostplane.audit.reader.password", () -> TestInfrastructure.AUDIT_PASSWORD);
        registry.add(
                "hostplane.audit.verify-keys",
                () -> Base64.getEncoder().encodeToString(signing.getPublic().getEncoded()));
    }

    /** The database of this audit store (and of the API that reads it). */
    public String r2dbcUrl() {
        return r2dbcUrl;
    }

    /** The key pair the service signs its checkpoints with. */
    public KeyPair signing() {
        return signing;
    }

    /** The service's own beans, for a test that drives one of them directly. */
    public <T> T getBean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
