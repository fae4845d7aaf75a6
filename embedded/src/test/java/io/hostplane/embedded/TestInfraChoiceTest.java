package io.hostplane.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("fast")
class TestInfraChoiceTest {

    @Test
    void containersWhereDockerAnswersEmbeddedOtherwise() {
        assertThat(TestInfraChoice.choose(null, () -> true)).isEqualTo(TestInfraChoice.CONTAINERS);
        assertThat(TestInfraChoice.choose("", () -> false)).isEqualTo(TestInfraChoice.EMBEDDED);
    }

    @Test
    void theVariableForcesEitherWithoutAskingDocker() {
        AtomicInteger asked = new AtomicInteger();
        assertThat(TestInfraChoice.choose("embedded", () -> asked.incrementAndGet() > 0))
                .isEqualTo(TestInfraChoice.EMBEDDED);
        assertThat(TestInfraChoice.choose("containers", () -> asked.incrementAndGet() < 0))
                .isEqualTo(TestInfraChoice.CONTAINERS);
        assertThat(asked).hasValue(0);
    }

    @Test
    void anUnknownValueIsRefusedInOneLineNamingTheAcceptedOnes() {
        assertThatThrownBy(() -> TestInfraChoice.choose("docker", () -> true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("HOSTPLANE_TEST_INFRA=docker is not one of embedded, containers");
    }

    @Test
    void dockerIsLookedForWhereEnginesAndTestcontainersPutTheirSettings(@TempDir Path home) throws Exception {
        Path runtime = Files.createDirectories(home.resolve("run"));
        Map<String, String> none = Map.of("XDG_RUNTIME_DIR", runtime.toString());
        boolean systemSocket = Files.exists(Path.of("/var/run/docker.sock"));
        assertThat(TestInfraChoice.dockerHinted(none, home)).isEqualTo(systemSocket);
        assertThat(TestInfraChoice.dockerHinted(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"), home))
                .isTrue();
        Files.createFile(runtime.resolve("docker.sock"));
        assertThat(TestInfraChoice.dockerHinted(none, home)).isTrue();
        Files.delete(runtime.resolve("docker.sock"));
        Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=tcp://h:2375\n");
        assertThat(TestInfraChoice.dockerHinted(none, home)).isTrue();
    }
}
