package io.hostplane.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker running in a child JVM from Kafka's own jars (the folder
 * {@code embedded/target/kafka-libs}, filled by the build). It listens on 127.0.0.1 only. Its data
 * folder survives a restart, so topics and committed offsets do too.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private Process process;
    private boolean takeOverOrphans;
    private long logStart;

    public KafkaBroker(Path dataDir, int port, int controllerPort) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * Whether a broker still running on this data folder is an orphan to stop (its launcher died) rather than a
     * reason to refuse: only for a caller that knows nobody else uses the folder (the launcher, under its lock).
     */
    public KafkaBroker takeOverOrphans(boolean takeOver) {
        this.takeOverOrphans = takeOver;
        return this;
    }

    /** Formats the storage on first use, starts the broker and waits until it answers. */
    public KafkaBroker start() throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Path logs = dataDir.resolve("logs");
        clearLeftovers(logs);
        for (int p : new int[] {port, controllerPort}) {
            if (!FreePorts.isFree(p)) {
                throw new IOException("port " + p + " on 127.0.0.1 is in use by another program");
            }
        }
        Path config = writeServerProperties(logs);
        Path log4j = writeLog4jConfig();
        if (!Files.exists(logs.resolve("meta.properties"))) {
            Process format = javaProcess(
                            log4j,
                            "kafka.tools.StorageTool",
                            "format",
                            "--standalone",
                            "-t",
                            clusterId(),
                            "-c",
                            config.toString())
                    .start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException("Kafka storage format failed; see " + dataDir.resolve("kafka.log"));
            }
        }
        logStart = Leftovers.size(dataDir.resolve("kafka.log"));
        process = javaProcess(log4j, "kafka.Kafka", config.toString()).start();
        awaitReady();
        log.info("Kafka broker ready on {} (data in {})", bootstrapServers(), dataDir);
        return this;
    }

    /**
     * What a crash can leave: a broker of this folder still running without its launcher (it runs in a session of
     * its own, so it outlives a launcher killed with SIGKILL, holding the port and the log folder's lock), and a
     * log folder whose formatting never finished ({@code meta.properties}, written last, missing: no broker ever
     * ran on it). The lock file itself ({@code logs/.lock}) needs nothing: it is an OS lock, released when its
     * holder dies.
     */
    void clearLeftovers(Path logs) throws IOException {
        for (ProcessHandle orphan : Leftovers.running(
                "kafka.Kafka", dataDir.resolve("server.properties").toString())) {
            if (process != null && orphan.pid() == process.pid()) {
                continue;
            }
            if (!takeOverOrphans) {
                throw new IOException(
                        "data folder " + dataDir + " is in use by a running broker (PID " + orphan.pid() + ")");
            }
            log.info("Stopping Kafka broker PID {} left running on {} by an earlier launcher", orphan.pid(), dataDir);
            Leftovers.stop(orphan, Duration.ofSeconds(20));
        }
        if (Files.isDirectory(logs) && !Files.exists(logs.resolve("meta.properties"))) {
            try (var entries = Files.list(logs)) {
                if (entries.findAny().isPresent()) {
                    Path aside = Leftovers.moveAside(logs);
                    log.info("Kafka's log folder {} was never formatted completely; moved it to {}", logs, aside);
                }
            }
        }
    }

    private ProcessBuilder javaProcess(Path log4j, String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // Own session: a Ctrl-C in the terminal reaches the launcher, which stops the broker last.
            command.add("/usr/bin/setsid");
        }
        command.add(javaBinary());
        command.add("-Xms64m");
        command.add("-Xmx512m");
        command.add("-XX:+UseSerialGC");
        command.add("-Dlog4j2.configurationFile=" + log4j.toUri());
        command.add("-Dkafka.logs.dir=" + dataDir);
        command.add("-cp");
        command.add(KafkaLibs.locate().resolve("*").toString());
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolve("kafka.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
    }

    /**
     * Waits until the listener accepts connections, then until the broker answers an admin request. Kafka's clients
     * log a warning for every refused connection, so none is made before the port is open.
     */
    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts()) {
            if (!process.isAlive()) {
                throw new IOException(exitReason());
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IOException("not listening on " + bootstrapServers() + " within " + START_TIMEOUT + "; see "
                        + dataDir.resolve("kafka.log"));
            }
            Thread.sleep(100);
        }
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException(exitReason());
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    Thread.sleep(200);
                }
            }
        }
        close();
        throw new IOException(
                "Kafka broker not ready within " + START_TIMEOUT + "; see " + dataDir.resolve("kafka.log"));
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** The broker's own last error line, or its exit code. */
    private String exitReason() {
        Path log = dataDir.resolve("kafka.log");
        return Leftovers.lastLine(log, "ERROR", logStart)
                .map(line -> "broker exited with " + process.exitValue() + ": " + line.substring(line.indexOf("ERROR"))
                        + " (log: " + log + ")")
                .orElse("broker exited with " + process.exitValue() + " (log: " + log + ")");
    }

    private Path writeServerProperties(Path logs) throws IOException {
        String properties = String.join(
                "\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + logs,
                "num.partitions=6",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "log.retention.hours=168",
                "");
        Path file = dataDir.resolve("server.properties");
        Files.writeString(file, properties);
        return file;
    }

    private Path writeLog4jConfig() throws IOException {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="WARN">
                  <Appenders>
                    <Console name="out" target="SYSTEM_OUT">
                      <PatternLayout pattern="%d{ISO8601} %-5p [%c{1}] %m%n"/>
                    </Console>
                  </Appenders>
                  <Loggers>
                    <Root level="WARN"><AppenderRef ref="out"/></Root>
                    <Logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                    <Logger name="kafka.server.BrokerServer" level="INFO"/>
                  </Loggers>
                </Configuration>
                """;
        Path file = dataDir.resolve("log4j2.xml");
        Files.writeString(file, xml);
        return file;
    }

    private static String clusterId() {
        String id = Uuid.randomUuid().toString();
        while (id.startsWith("-")) {
            id = Uuid.randomUuid().toString();
        }
        return id;
    }

    private static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 20 s). Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
