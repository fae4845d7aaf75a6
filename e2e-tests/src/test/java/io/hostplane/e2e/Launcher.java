package io.hostplane.e2e;

import io.hostplane.embedded.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./hostplane dev} (or its main class) as a process of its own, as a person starts it: its output in a file,
 * its ports moved by {@code HOSTPLANE_DEV_PORT_OFFSET} so that it runs beside anything else on the machine.
 */
final class Launcher {

    static final String READY = "Hostplane is ready";

    final Path data;
    final int offset;
    final Path output;
    final Process process;
    private final long outputStart;

    private Launcher(Path data, int offset, Path output, Process process, long outputStart) {
        this.data = data;
        this.offset = offset;
        this.output = output;
        this.process = process;
        this.outputStart = outputStart;
    }

    /** The repository's root: the folder with the {@code hostplane} script. */
    static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("hostplane")) && Files.isDirectory(dir.resolve("local"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no hostplane script above " + Path.of("").toAbsolutePath());
    }

    /** An offset that moves all six default ports (8080, 8090, 8095, 19092, 19093, 15432) onto free ones. */
    static int freePortOffset() {
        while (true) {
            int offset = ThreadLocalRandom.current().nextInt(1000, 40000);
            boolean free = true;
            for (int port : new int[] {8080, 8090, 8095, 19092, 19093, 15432}) {
                free &= FreePorts.isFree(port + offset);
            }
            if (free) {
                return offset;
            }
        }
    }

    /** Starts {@code command} in the repository's root with the stack's settings, output appended to {@code output}. */
    static Launcher start(List<String> command, Path data, int offset, Path output, Map<String, String> env)
            throws IOException {
        Files.createDirectories(data);
        long start = Files.exists(output) ? Files.size(output) : 0;
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().keySet().removeIf(k -> k.startsWith("HOSTPLANE_") || k.startsWith("SPRING_"));
        builder.environment().put("HOSTPLANE_DATA_DIR", data.toString());
        builder.environment().put("HOSTPLANE_DEV_PORT_OFFSET", Integer.toString(offset));
        builder.environment().putAll(env);
        return new Launcher(data, offset, output, builder.start(), start);
    }

    /** The launcher's main class on this test's class path (no packaged jar needed). */
    static List<String> mainClass(Path data) {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(
                java,
                "-Xmx768m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + data.resolve("tmp"),
                "-cp",
                System.getProperty("java.class.path"),
                "io.hostplane.local.HostplaneDev");
    }

    /** What this launcher wrote so far. */
    String text() throws IOException {
        byte[] all = Files.readAllBytes(output);
        return new String(all, (int) outputStart, all.length - (int) outputStart, StandardCharsets.UTF_8);
    }

    /** Waits for the ready line; fails with the output if the launcher ends first (or after 5 minutes). */
    void awaitReady() throws Exception {
        awaitText(READY);
    }

    /** Waits for {@code text} in the output; fails with the output if the launcher ends first. */
    void awaitText(String text) throws Exception {
        try {
            Await.until("\"" + text + "\" from the launcher", Duration.ofMinutes(5), () -> {
                if (!process.isAlive() && !text().contains(text)) {
                    throw new IllegalStateException("the launcher ended");
                }
                return text().contains(text);
            });
        } catch (RuntimeException e) {
            throw new AssertionError(
                    "no \"" + text + "\" from the launcher (alive: " + process.isAlive() + "); its output:\n" + text(),
                    e);
        }
    }

    String apiUrl() {
        return "http://127.0.0.1:" + (8080 + offset);
    }

    String r2dbcUrl() {
        return "r2dbc:postgresql://127.0.0.1:" + (15432 + offset) + "/hostplane";
    }

    /** The JVM that runs the platform: this process or, under {@code script} and the shell script, a descendant. */
    ProcessHandle jvm() {
        if (process.info().command().orElse("").endsWith("java")) {
            return process.toHandle();
        }
        return process.descendants()
                .filter(p -> p.info().command().orElse("").endsWith("java"))
                .filter(p -> p.info().commandLine().orElse("").contains("local-0.1.0-SNAPSHOT-exec.jar"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no platform JVM under " + process.pid()));
    }

    /** SIGTERM to the platform's JVM (Ctrl-C's effect), then waits for everything to end. */
    void stop() throws Exception {
        if (!process.isAlive()) {
            return;
        }
        ProcessHandle jvm = jvm();
        jvm.destroy();
        jvm.onExit().get(2, TimeUnit.MINUTES);
        process.waitFor(1, TimeUnit.MINUTES);
    }

    /**
     * SIGKILL to every process of the running stack at once, as in a power cut: the launcher, its children (the
     * broker, PostgreSQL and whatever they started) and the postmaster named in the data folder. Returns them.
     */
    List<ProcessHandle> killEverything() throws IOException {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        all.addAll(process.descendants().toList());
        Path pidFile = data.resolve("postgres").resolve("data").resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(pid).ifPresent(p -> {
                all.add(p);
                all.addAll(p.descendants().toList());
            });
        }
        all.forEach(ProcessHandle::destroyForcibly);
        return all;
    }
}
