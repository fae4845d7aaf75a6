package io.hostplane.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a crash leaves behind, made for real and then started over: PostgreSQL's {@code postmaster.pid} naming a
 * process that is gone, a zombie or another program, a server of the folder still running, a cluster whose
 * {@code initdb} never finished; a Kafka broker left running on its folder, and a log folder never formatted.
 */
class CrashLeftoversTest {

    private final Path work =
            Path.of("target", "leftovers-" + UUID.randomUUID()).toAbsolutePath();
    private final Path binaries = Path.of("target", "test-infra", "pg-bin").toAbsolutePath();
    private final List<Process> helpers = new ArrayList<>();
    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
        helpers.forEach(Process::destroyForcibly);
    }

    @Test
    void postgresqlStartsOverAStalePidFileWhateverItsProcessIsNow() throws Exception {
        Path dir = work.resolve("pg");
        int port = FreePorts.next();
        PostgresServer first = started(new PostgresServer(dir, binaries, port));
        writeRow(port, "before the crash");
        long crashed = killPostmaster(dir);
        first.close();

        // The id of the killed postmaster: no such process now (its parent, this JVM, reaped it).
        assertThat(Leftovers.pidState(crashed, dir.resolve("data"))).isEqualTo(Leftovers.PidState.GONE);
        restartOver(dir, port, crashed);

        long zombie = zombie();
        assertThat(Leftovers.pidState(zombie, dir.resolve("data"))).isEqualTo(Leftovers.PidState.ZOMBIE);
        restartOver(dir, port, zombie);

        Process sleeper = helper("sleep", "120");
        assertThat(Leftovers.pidState(sleeper.pid(), dir.resolve("data"))).isEqualTo(Leftovers.PidState.OTHER_PROGRAM);
        restartOver(dir, port, sleeper.pid());
    }

    @Test
    void aPostgresqlLeftRunningByAKilledLauncherIsRefusedOrTakenOver() throws Exception {
        Path dir = work.resolve("pg-orphan");
        int port = FreePorts.next();
        // A launcher of its own, killed with SIGKILL: its PostgreSQL runs on, orphaned.
        Process launcher = helper(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                HoldPostgres.class.getName(),
                dir.toString(),
                binaries.toString(),
                Integer.toString(port));
        String said = new BufferedReader(new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))
                .lines()
                .filter(l -> l.startsWith("ready") || l.startsWith("failed"))
                .findFirst()
                .orElse("ended");
        assertThat(said).isEqualTo("ready");
        launcher.destroyForcibly().waitFor();
        long running = postmasterPid(dir);
        assertThat(Leftovers.pidState(running, dir.resolve("data"))).isEqualTo(Leftovers.PidState.SERVER);

        assertThatThrownBy(() -> new PostgresServer(dir, binaries, port).start())
                .hasMessageContaining("in use by a running PostgreSQL (PID " + running + ")");

        PostgresServer second = started(new PostgresServer(dir, binaries, port).takeOverOrphans(true));
        assertThat(postmasterPid(dir)).isNotEqualTo(running);
        assertThat(readRows(port)).contains("kept by the orphan");
        second.close();
        assertThat(Leftovers.pidState(running, dir.resolve("data"))).isNotEqualTo(Leftovers.PidState.SERVER);
    }

    /** The orphan's launcher: starts PostgreSQL, writes a row, says "ready" and waits to be killed. */
    public static final class HoldPostgres {
        public static void main(String[] args) throws Exception {
            try {
                PostgresServer server =
                        new PostgresServer(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]));
                server.start();
                server.ensureDatabase("leftovers", "hostplane", "hostplane");
                writeRow(Integer.parseInt(args[2]), "kept by the orphan");
                System.out.println("ready");
            } catch (Exception e) {
                System.out.println("failed " + e);
            }
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    @Test
    void anUnfinishedClusterIsMovedAsideAndMadeAgain() throws Exception {
        Path dir = work.resolve("pg-half");
        Path data = Files.createDirectories(dir.resolve("data"));
        // What initdb writes first; it was killed before writing the rest.
        Files.writeString(data.resolve("PG_VERSION"), "14\n");
        Files.createDirectories(data.resolve("base"));
        int port = FreePorts.next();
        started(new PostgresServer(dir, binaries, port));
        writeRow(port, "fresh cluster");
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("data.incomplete-"));
        }
    }

    @Test
    void aBrokerStillRunningOnTheFolderIsRefusedOrTakenOverAndAnUnformattedFolderIsMadeAgain() throws Exception {
        Path dir = work.resolve("kafka");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("bootstrap.checkpoint"), "torn"); // a format cut short: no meta.properties
        int port = FreePorts.next();
        int controller = FreePorts.next();
        KafkaBroker first = started(new KafkaBroker(dir, port, controller));
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("logs.incomplete-"));
        }
        List<ProcessHandle> orphans = Leftovers.running(
                "kafka.Kafka", dir.resolve("server.properties").toString());
        assertThat(orphans).hasSize(1);

        assertThatThrownBy(() -> new KafkaBroker(dir, port, controller).start())
                .hasMessageContaining(
                        "in use by a running broker (PID " + orphans.get(0).pid() + ")");

        started(new KafkaBroker(dir, port, controller).takeOverOrphans(true));
        assertThat(orphans.get(0).isAlive()).isFalse();
        assertThat(Leftovers.running(
                        "kafka.Kafka", dir.resolve("server.properties").toString()))
                .hasSize(1)
                .doesNotContain(orphans.get(0));
        first.close(); // its process is gone already: nothing to do
    }

    /** Starts the server again over a {@code postmaster.pid} that names {@code pid}. */
    private void restartOver(Path dir, int port, long pid) throws Exception {
        Path pidFile = dir.resolve("data").resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            Files.writeString(pidFile, pid + "\n" + dir.resolve("data") + "\n");
        } else {
            List<String> lines = new ArrayList<>(Files.readAllLines(pidFile));
            lines.set(0, Long.toString(pid));
            Files.write(pidFile, lines);
        }
        PostgresServer server = started(new PostgresServer(dir, binaries, port));
        assertThat(readRows(port)).contains("before the crash");
        long now = postmasterPid(dir);
        assertThat(now).isNotEqualTo(pid);
        server.close();
        servers.remove(server);
    }

    private <T extends AutoCloseable> T started(T server) throws Exception {
        servers.add(server);
        if (server instanceof PostgresServer pg) {
            pg.start();
            pg.ensureDatabase("leftovers", "hostplane", "hostplane");
        } else if (server instanceof KafkaBroker kafka) {
            kafka.start();
        }
        return server;
    }

    /** SIGKILL to the postmaster and its children, as in a crash; returns its id. */
    private static long killPostmaster(Path dir) throws Exception {
        long pid = postmasterPid(dir);
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> children = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        postmaster.onExit().get();
        for (ProcessHandle child : children) {
            child.onExit().get();
        }
        return pid;
    }

    private static long postmasterPid(Path dir) throws Exception {
        return Long.parseLong(Files.readAllLines(dir.resolve("data").resolve("postmaster.pid"))
                .get(0)
                .trim());
    }

    /** A child that exits and is never reaped: the shell replaces itself with {@code sleep}, which waits for nobody. */
    private long zombie() throws Exception {
        Process parent = helper("sh", "-c", "sleep 0 & echo $!; exec sleep 120");
        long pid = Long.parseLong(
                new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine()
                        .trim());
        await().atMost(Duration.ofSeconds(30)).until(() -> Leftovers.pidState(pid, work) == Leftovers.PidState.ZOMBIE);
        return pid;
    }

    private Process helper(String... command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        helpers.add(p);
        return p;
    }

    private static void writeRow(int port, String value) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/leftovers", "hostplane", "hostplane");
                Statement s = c.createStatement()) {
            s.execute("create table if not exists kept (v text)");
            s.execute("insert into kept values ('" + value + "')");
        }
    }

    private static List<String> readRows(int port) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/leftovers", "hostplane", "hostplane");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select v from kept")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
