package io.hostplane.e2e;

import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * One local stack on default settings, started by the first test class that asks for it and stopped when the test
 * JVM ends, for the classes that neither restart it nor depend on what other classes leave in it (each works on its
 * own records and reads only what it made): starting a stack takes about half a minute on 2 cores.
 */
final class SharedStack {

    private static DevStack stack;
    private static Path data;

    private SharedStack() {}

    /** The running stack, started now if no class has asked before. */
    static synchronized DevStack get() throws Exception {
        if (stack == null) {
            data = Path.of("target", "shared-" + UUID.randomUUID()).toAbsolutePath();
            DevStack started =
                    new DevStack(DevStack.randomPorts(data, FreePorts::next), Map.of()).start(Duration.ofSeconds(120));
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-stack-stop"));
            stack = started;
        }
        return stack;
    }

    /** The stack's data folder (its token files). */
    static synchronized Path data() throws Exception {
        get();
        return data;
    }
}
