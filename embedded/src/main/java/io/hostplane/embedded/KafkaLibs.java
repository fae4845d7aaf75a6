package io.hostplane.embedded;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the folder of Kafka's jars that the build copies to {@code embedded/target/kafka-libs}: the system
 * property {@code hostplane.kafka-libs} if set, else that folder under {@code hostplane.root} or the
 * nearest parent of the working directory that has it.
 */
final class KafkaLibs {

    static final String PROPERTY = "hostplane.kafka-libs";
    private static final Path RELATIVE = Path.of("embedded", "target", "kafka-libs");

    private KafkaLibs() {}

    static Path locate() {
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return requireJars(Path.of(explicit));
        }
        String root = System.getProperty("hostplane.root");
        if (root != null && Files.isDirectory(Path.of(root).resolve(RELATIVE))) {
            return requireJars(Path.of(root).resolve(RELATIVE));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(RELATIVE))) {
                return requireJars(dir.resolve(RELATIVE));
            }
        }
        throw new IllegalStateException("Kafka's jars not found: build the 'embedded' module (./mvnw -pl embedded "
                + "package) or set -D" + PROPERTY + "=<folder>");
    }

    private static Path requireJars(Path dir) {
        try (var files = Files.list(dir)) {
            if (files.noneMatch(f -> f.getFileName().toString().startsWith("kafka_2.13"))) {
                throw new IllegalStateException("no kafka_2.13 jar in " + dir);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + dir, e);
        }
        return dir.toAbsolutePath();
    }
}
