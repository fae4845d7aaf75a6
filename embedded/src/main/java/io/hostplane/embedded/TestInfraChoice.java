package io.hostplane.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Which Kafka and PostgreSQL the tests get ({@link TestInfrastructure}): containers where a Docker engine is
 * reachable, the embedded servers otherwise; {@code HOSTPLANE_TEST_INFRA=embedded|containers} forces either.
 */
public enum TestInfraChoice {
    /** A broker in a child JVM from Kafka's jars and PostgreSQL from embedded binaries. */
    EMBEDDED,
    /** Testcontainers' Kafka and PostgreSQL modules ({@link TestContainers#KAFKA_IMAGE}, {@link TestContainers#POSTGRES_IMAGE}). */
    CONTAINERS;

    public static final String VARIABLE = "HOSTPLANE_TEST_INFRA";

    /**
     * The choice for {@code forced} (the variable's value; blank when unset); {@code dockerReachable} is asked only
     * when nothing is forced. An unknown value is refused in one line naming the accepted ones.
     */
    public static TestInfraChoice choose(String forced, BooleanSupplier dockerReachable) {
        if (forced == null || forced.isBlank()) {
            return dockerReachable.getAsBoolean() ? CONTAINERS : EMBEDDED;
        }
        return switch (forced.trim()) {
            case "embedded" -> EMBEDDED;
            case "containers" -> CONTAINERS;
            default ->
                throw new IllegalArgumentException(VARIABLE + "=" + forced + " is not one of embedded, containers");
        };
    }

    /**
     * Whether a Docker engine may be reachable, without asking one: {@code DOCKER_HOST}, a Docker socket where the
     * engines put theirs, or Testcontainers' own settings file. Only then is Testcontainers asked (it would log
     * a page of errors about each place it looked on a machine that has none).
     */
    public static boolean dockerHinted(Map<String, String> env, Path home) {
        if (env.get("DOCKER_HOST") != null && !env.get("DOCKER_HOST").isBlank()) {
            return true;
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        return Files.exists(Path.of("/var/run/docker.sock"))
                || (runtime != null && Files.exists(Path.of(runtime, "docker.sock")))
                || Files.exists(home.resolve(".docker/run/docker.sock"))
                || Files.exists(home.resolve(".testcontainers.properties"));
    }
}
