package io.hostplane.embedded;

import java.io.IOException;
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

    public KafkaBroker(Path dataDir, int port, int controllerPort) {
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Formats the storage on first use, starts the broker and waits until it answers. */
    public KafkaBroker start() throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Path logs = dataDir.resolve("logs");
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
        process = javaProcess(log4j, "kafka.Kafka", config.toString()).start();
        awaitReady();
        log.info("Kafka broker ready on {} (data in {})", bootstrapServers(), dataDir);
        return this;
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

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("Kafka broker exited with " + process.exitValue() + "; see "
                            + dataDir.resolve("kafka.log"));
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
