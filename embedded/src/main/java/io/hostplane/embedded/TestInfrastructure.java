package io.hostplane.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One Kafka broker and one PostgreSQL database per test JVM, started on first use.
 *
 * <p>By default both are real servers: in containers where a Docker engine is reachable (Testcontainers' Kafka and
 * PostgreSQL modules, {@link TestContainers}), otherwise started here on free loopback ports from Kafka's jars and
 * embedded PostgreSQL binaries; {@code HOSTPLANE_TEST_INFRA=embedded|containers} forces either
 * ({@link TestInfraChoice}). Environment variables point the
 * tests at external ones instead: {@code HOSTPLANE_TEST_KAFKA_BOOTSTRAP_SERVERS}, and
 * {@code HOSTPLANE_TEST_POSTGRES_URL} (a JDBC URL of a database the user may {@code CREATE DATABASE} from)
 * with {@code HOSTPLANE_TEST_POSTGRES_USER} and {@code HOSTPLANE_TEST_POSTGRES_PASSWORD}. On an external
 * server the tests create a database of their own, {@code hp_test_…}, and drop it when the JVM exits; they
 * never touch another.
 */
public final class TestInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(TestInfrastructure.class);
    private static TestInfrastructure shared;
    /** The audit store's roles (docs/audit.md): the audit service writes as one, the API reads as the other. */
    public static final String AUDIT_WRITER = "hostplane_audit_writer";

    public static final String AUDIT_READER = "hostplane_audit_reader";
    public static final String AUDIT_PASSWORD = "hostplane-audit-test";

    private final String kafkaBootstrapServers;
    private final String host;
    private final int postgresPort;
    private final String database;
    private final String user;
    private final String password;
    private final String adminJdbcUrl;
    private final String adminUser;
    private final String adminPassword;

    private TestInfrastructure(
            String kafkaBootstrapServers,
            String host,
            int postgresPort,
            String database,
            String user,
            String password,
            String adminJdbcUrl,
            String adminUser,
            String adminPassword) {
        this.kafkaBootstrapServers = kafkaBootstrapServers;
        this.host = host;
        this.postgresPort = postgresPort;
        this.database = database;
        this.user = user;
        this.password = password;
        this.adminJdbcUrl = adminJdbcUrl;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /** The shared infrastructure of this JVM, started on the first call. */
    public static synchronized TestInfrastructure shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start test infrastructure: " + e.getMessage(), e);
            }
        }
        return shared;
    }

    private static TestInfrastructure start() throws Exception {
        TestInfraChoice choice = TestInfraChoice.choose(
                System.getenv(TestInfraChoice.VARIABLE), () -> TestContainers.dockerUnavailableReason() == null);
        return start(choice);
    }

    /** Starts what {@code choice} names; an external server named by the environment is used instead of either. */
    static TestInfrastructure start(TestInfraChoice choice) throws Exception {
        Path work = workDir();
        String kafka = System.getenv("HOSTPLANE_TEST_KAFKA_BOOTSTRAP_SERVERS");
        if (kafka != null && !kafka.isBlank()) {
            log.info("Tests use the external Kafka at {}", kafka);
        } else if (choice == TestInfraChoice.CONTAINERS) {
            var container = TestContainers.kafka();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-kafka-container-stop"));
            kafka = container.getBootstrapServers();
            log.info("Tests use Kafka in a container ({}) at {}", TestContainers.KAFKA_IMAGE, kafka);
        } else {
            Path dir = work.resolve("kafka-" + UUID.randomUUID());
            KafkaBroker broker = new KafkaBroker(dir, FreePorts.next(), FreePorts.next());
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "test-kafka-stop"));
            kafka = broker.start().bootstrapServers();
        }
        String database =
                "hp_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String externalUrl = System.getenv("HOSTPLANE_TEST_POSTGRES_URL");
        if ((externalUrl == null || externalUrl.isBlank()) && choice == TestInfraChoice.CONTAINERS) {
            var container = TestContainers.postgres();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-postgres-container-stop"));
            String host = container.getHost();
            int port = container.getMappedPort(5432);
            String admin = "jdbc:postgresql://" + host + ":" + port + "/postgres";
            try (Connection c = DriverManager.getConnection(admin, "postgres", "postgres");
                    Statement s = c.createStatement()) {
                s.execute("create role hostplane login password 'hostplane'");
                s.execute("create database " + database + " owner hostplane");
                s.execute("create role " + AUDIT_WRITER + " login password '" + AUDIT_PASSWORD + "'");
                s.execute("create role " + AUDIT_READER + " login password '" + AUDIT_PASSWORD + "'");
            }
            log.info("Tests use PostgreSQL in a container ({}) at {}:{}", TestContainers.POSTGRES_IMAGE, host, port);
            return new TestInfrastructure(
                    kafka, host, port, database, "hostplane", "hostplane", admin, "postgres", "postgres");
        }
        if (externalUrl == null || externalUrl.isBlank()) {
            int port = FreePorts.next();
            PostgresServer server =
                    new PostgresServer(work.resolve("pg-" + UUID.randomUUID()), work.resolve("pg-bin"), port);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "test-postgres-stop"));
            server.start();
            server.ensureDatabase(database, "hostplane", "hostplane");
            server.ensureRole(AUDIT_WRITER, AUDIT_PASSWORD);
            server.ensureRole(AUDIT_READER, AUDIT_PASSWORD);
            return new TestInfrastructure(
                    kafka,
                    "127.0.0.1",
                    port,
                    database,
                    "hostplane",
                    "hostplane",
                    "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    "postgres",
                    "postgres");
        }
        String adminUser = System.getenv().getOrDefault("HOSTPLANE_TEST_POSTGRES_USER", "postgres");
        String adminPassword = System.getenv().getOrDefault("HOSTPLANE_TEST_POSTGRES_PASSWORD", "");
        try (Connection c = DriverManager.getConnection(externalUrl, adminUser, adminPassword);
                Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        java.net.URI uri = java.net.URI.create(externalUrl.substring("jdbc:".length()));
        TestInfrastructure infra = new TestInfrastructure(
                kafka,
                uri.getHost(),
                uri.getPort() < 0 ? 5432 : uri.getPort(),
                database,
                adminUser,
                adminPassword,
                externalUrl,
                adminUser,
                adminPassword);
        Runtime.getRuntime().addShutdownHook(new Thread(infra::dropExternalDatabase, "drop-test-database"));
        log.info("Tests use database {} on the external PostgreSQL at {}", database, externalUrl);
        return infra;
    }

    private static Path workDir() throws java.io.IOException {
        String root = System.getProperty("hostplane.root");
        Path base = root != null ? Path.of(root, "target", "test-infra") : Path.of("target", "test-infra");
        Files.createDirectories(base);
        return base.toAbsolutePath();
    }

    private void dropExternalDatabase() {
        try (Connection c = DriverManager.getConnection(adminJdbcUrl, adminUser, adminPassword);
                Statement s = c.createStatement()) {
            s.execute("drop database if exists " + database + " with (force)");
        } catch (SQLException e) {
            log.warn("could not drop test database {}: {}", database, e.getMessage());
        }
    }

    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    /** A producer of strings on this broker ({@code acks=all}); the caller closes it. */
    public KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafkaBootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class));
    }

    public String r2dbcUrl() {
        return "r2dbc:postgresql://" + host + ":" + postgresPort + "/" + database;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + postgresPort + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Points a Spring test context at this infrastructure, through Spring's own keys. */
    public static void register(DynamicPropertyRegistry registry) {
        TestInfrastructure infra = shared();
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrapServers);
        registry.add("spring.r2dbc.url", infra::r2dbcUrl);
        registry.add("spring.r2dbc.username", infra::user);
        registry.add("spring.r2dbc.password", infra::password);
        registry.add("hostplane.audit.writer.username", () -> AUDIT_WRITER);
        registry.add("hostplane.audit.writer.password", () -> AUDIT_PASSWORD);
        registry.add("hostplane.audit.reader.username", () -> AUDIT_READER);
        registry.add("hostplane.audit.reader.password", () -> AUDIT_PASSWORD);
    }

    /**
     * A superuser connection to the test database, for tests that must get past the audit store's privileges and
     * triggers (to prove that verification notices what a superuser did).
     */
    public Connection superuserConnection() throws SQLException {
        String url = "jdbc:postgresql://" + host + ":" + postgresPort + "/" + database;
        return DriverManager.getConnection(url, adminUser, adminPassword);
    }

    /**
     * Creates another database on the same server, owned by the test login, and returns its R2DBC URL: for
     * tests that need a store of their own (e.g. the API's audit tests with the audit schema present).
     */
    public String createDatabase(String prefix) throws SQLException {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminJdbcUrl, adminUser, adminPassword);
                Statement s = c.createStatement()) {
            s.execute("create database " + name + " owner " + user);
        }
        return "r2dbc:postgresql://" + host + ":" + postgresPort + "/" + name;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "kafka=%s postgres=%s", kafkaBootstrapServers, jdbcUrl());
    }
}
