package io.hostplane.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Entry point of {@code ./hostplane dev}. Runs until SIGINT or SIGTERM, then stops everything it started. */
public final class HostplaneDev {

    private HostplaneDev() {}

    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getenv().getOrDefault("HOSTPLANE_DATA_DIR", ".hostplane"));
        DevStack stack = new DevStack(DevStack.Settings.defaults(data), System.getenv());
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
            System.err.println("hostplane: start failed: " + e.getMessage());
            System.exit(1);
        }
        Path dir = data.toAbsolutePath();
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
}
