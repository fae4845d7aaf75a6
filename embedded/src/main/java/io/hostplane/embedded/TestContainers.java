package io.hostplane.embedded;

import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Kafka and PostgreSQL in containers, for {@link TestInfrastructure} where a Docker engine is reachable: the same
 * versions as the embedded ones (Kafka's jars, {@code kafka.version} in the parent pom; PostgreSQL's major version
 * from the embedded binaries). Kept apart so that nothing loads Testcontainers' classes on a machine without Docker.
 */
public final class TestContainers {

    /** Apache's own image, the version of the embedded broker's jars. */
    public static final String KAFKA_IMAGE = "apache/kafka:4.2.1";

    /** The Docker library's image, the major version of the embedded binaries (PostgreSQL 14). */
    public static final String POSTGRES_IMAGE = "postgres:14";

    private TestContainers() {}

    /** Whether a Docker engine answers, with the reason when not. */
    public static String dockerUnavailableReason() {
        if (!TestInfraChoice.dockerHinted(System.getenv(), Path.of(System.getProperty("user.home")))) {
            return "no Docker engine: no DOCKER_HOST, no Docker socket, no ~/.testcontainers.properties";
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable() ? null : "no Docker engine answers";
        } catch (RuntimeException e) {
            return "no Docker engine answers: " + e.getMessage();
        }
    }

    static KafkaContainer kafka() {
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE))
                .withEnv("KAFKA_NUM_PARTITIONS", "6")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        kafka.start();
        return kafka;
    }

    /** A superuser {@code postgres}/{@code postgres}, settings as the embedded server's. */
    static PostgreSQLContainer postgres() {
        PostgreSQLContainer postgres = new PostgreSQLContainer(DockerImageName.parse(POSTGRES_IMAGE))
                .withDatabaseName("postgres")
                .withUsername("postgres")
                .withPassword("postgres")
                .withCommand("postgres", "-c", "max_connections=200", "-c", "fsync=on", "-c", "autovacuum_naptime=5s");
        postgres.start();
        return postgres;
    }
}
