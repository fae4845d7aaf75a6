package io.hostplane.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.embedded.FreePorts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that cannot happen says which part failed and why, in one line, before it starts anything. */
@Tag("fast")
class DevStackStartFailureTest {

    @TempDir
    Path data;

    @Test
    void aTakenPortAndASecondLauncherOnTheSameDataAreNamedInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            DevStack.Settings settings = DevStack.randomPorts(data, FreePorts::next);
            settings = new DevStack.Settings(
                    data,
                    settings.apiPort(),
                    settings.workerPort(),
                    settings.auditPort(),
                    settings.kafkaPort(),
                    settings.kafkaControllerPort(),
                    taken.getLocalPort());
            DevStack first = new DevStack(settings, Map.of());
            try {
                assertThatThrownBy(() -> first.start(Duration.ofSeconds(30)))
                        .isInstanceOf(DevStack.StartFailure.class)
                        .hasMessage("PostgreSQL: port " + taken.getLocalPort()
                                + " on 127.0.0.1 is in use by another program");

                // The first one still holds the data folder: a second launcher on it is refused at once.
                DevStack second = new DevStack(settings, Map.of());
                assertThatThrownBy(() -> second.start(Duration.ofSeconds(30)))
                        .isInstanceOf(DevStack.StartFailure.class)
                        .hasMessage(
                                "data folder: " + data.toAbsolutePath() + " is in use by another ./hostplane dev (PID "
                                        + ProcessHandle.current().pid() + ")")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            } finally {
                first.close();
            }
        }
    }
}
