package io.hostplane.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of {@code ./hostplane dev}. Runs until SIGINT or SIGTERM, then stops everything it started.
 *
 * <p>Exit codes: 2 for a setting it does not accept (before anything starts; the {@code ./hostplane} script checks
 * the same first), 1 for a start that failed, with one line naming the part and why.
 */
public final class HostplaneDev {

    private HostplaneDev() {}

    public static void main(String[] args) throws Exception {
        // Spring's structured JSON encoder logs (at debug) while Logback is being set up; SLF4J then prints three
        // lines to stderr about replaying that one call, before the first JSON line. Nothing a user can act on.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Map<String, String> env = System.getenv();
        // The embedded PostgreSQL writes a script there to learn the Linux distribution, and says so at ERROR if
        // the folder is missing (the ./hostplane script makes it; a launcher started otherwise may not have).
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        DevStack.Settings settings;
        try {
            DevLogging.configure(env);
            Path data = Path.of(env.getOrDefault("HOSTPLANE_DATA_DIR", ".hostplane"));
            settings = DevStack.Settings.defaults(data).offset(portOffset(env.get("HOSTPLANE_DEV_PORT_OFFSET")));
        } catch (IllegalArgumentException e) {
            System.err.println("hostplane: " + e.getMessage());
            System.exit(2);
            return;
        }
        DevStack stack = new DevStack(settings, env);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("Stopping Hostplane…");
                            stack.close();
                            stopped.countDown();
                        },
                        "hostplane-stop"));
        long started = System.nanoTime();
        try {
            stack.start(Duration.ofSeconds(120));
        } catch (Exception e) {
            System.err.println("hostplane: start failed: " + DevStack.StartFailure.reason(e));
            System.exit(1);
        }
        Path dir = settings.dataDir().toAbsolutePath();
        String url = stack.apiUrl();
        System.out.println();
        System.out.println("  API            " + url + "/api/v1   (docs: " + url + "/docs)");
        System.out.println("  Kafka          " + stack.kafkaBootstrapServers());
        System.out.println("  PostgreSQL     " + stack.r2dbcUrl());
        System.out.println("  Demo token     " + dir.resolve("demo-token") + "   (tenant demo, scope *)");
        System.out.println("  Admin token    " + dir.resolve("admin-token") + "   (platform operator)");
        stack.servicePids().forEach((service, pid) -> System.out.printf("  %-15sprocess %d%n", service, pid));
        System.out.println("  Try            curl -s -H \"Authorization: Bearer $(cat " + dir.resolve("demo-token")
                + ")\" " + url + "/api/v1/system/hello");
        System.out.printf(
                "%nHostplane is ready (%.1f s). Press Ctrl-C to stop.%n", (System.nanoTime() - started) / 1e9);
        System.out.flush();
        stopped.await();
    }

    /**
     * {@code HOSTPLANE_DEV_PORT_OFFSET}: added to every default port (8080, 8090, 8095, 19092, 19093, 15432), so that
     * a second stack can run beside the first one; 0 when unset.
     */
    static int portOffset(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int offset = Integer.parseInt(value.trim());
            if (offset >= 0 && offset <= 50000) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(
                "HOSTPLANE_DEV_PORT_OFFSET=" + value + " is not a whole number from 0 to 50000");
    }
}
