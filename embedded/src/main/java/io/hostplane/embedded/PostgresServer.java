package io.hostplane.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from embedded binaries, listening on 127.0.0.1. Its data folder survives a
 * restart. Works as root too (the embedded binaries drop no privileges they need).
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    private final Path dataDir;
    private final Path binariesDir;
    private final int port;
    private EmbeddedPostgres postgres;
    private boolean takeOverOrphans;

    /**
     * @param dataDir where the cluster's files live
     * @param binariesDir where the PostgreSQL binaries are unpacked (shared, unpacked once)
     * @param port the TCP port on 127.0.0.1
     */
    public PostgresServer(Path dataDir, Path binariesDir, int port) {
        this.dataDir = dataDir.toAbsolutePath();
        this.binariesDir = binariesDir.toAbsolutePath();
        this.port = port;
    }

    /**
     * Whether a PostgreSQL still running on this data folder is an orphan to stop (its launcher died) rather than a
     * reason to refuse: only for a caller that knows nobody else uses the folder (the launcher, under its lock).
     */
    public PostgresServer takeOverOrphans(boolean takeOver) {
        this.takeOverOrphans = takeOver;
        return this;
    }

    public PostgresServer start() throws IOException {
        Files.createDirectories(dataDir);
        Files.createDirectories(binariesDir);
        Path data = dataDir.resolve("data");
        clearLeftovers(data);
        if (!FreePorts.isFree(port)) {
            throw new IOException("port " + port + " on 127.0.0.1 is in use by another program");
        }
        long logStart = Leftovers.size(dataDir.resolve("postgres.log"));
        try {
            startServer(data);
        } catch (IOException | RuntimeException e) {
            // The reason is in the server's log (a FATAL line), not in the embedded library's "gave up waiting".
            String reason = Leftovers.lastLine(dataDir.resolve("postgres.log"), "FATAL", logStart)
                    .map(line -> line.substring(line.indexOf("FATAL")))
                    .orElse(e.getMessage() == null ? e.toString() : e.getMessage());
            throw new IOException(reason + " (log: " + dataDir.resolve("postgres.log") + ")", e);
        }
        Files.writeString(dataDir.resolve(READY_MARKER), "");
        log.info("PostgreSQL ready on 127.0.0.1:{} (data in {})", port, dataDir);
        return this;
    }

    /** Written after the first start that succeeded: a data folder without it was never finished. */
    static final String READY_MARKER = "cluster-ready";

    /**
     * What a crash can leave in the data folder: a {@code postmaster.pid} whose process is gone, a zombie or
     * another program (PostgreSQL itself only recognises the first, and waits on the others for ever), a server of
     * this folder still running without its launcher, and a cluster whose {@code initdb} never finished.
     */
    void clearLeftovers(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = postmasterPid(pidFile);
            Leftovers.PidState state = pid > 0 ? Leftovers.pidState(pid, data) : Leftovers.PidState.GONE;
            if (state == Leftovers.PidState.SERVER) {
                if (!takeOverOrphans) {
                    throw new IOException(
                            "data folder " + data + " is in use by a running PostgreSQL (PID " + pid + ")");
                }
                log.info("Stopping PostgreSQL PID {} left running on {} by an earlier launcher", pid, data);
                ProcessHandle.of(pid).ifPresent(p -> Leftovers.stop(p, Duration.ofSeconds(30)));
                state = Leftovers.pidState(pid, data);
            }
            if (state != Leftovers.PidState.SERVER) {
                // The dead postmaster's children may still be exiting, holding its shared memory: a new server
                // would refuse to start beside them. They work in the data folder, and nothing else does.
                for (ProcessHandle child : Leftovers.workingIn(data)) {
                    log.info("Stopping PID {}, left in {} by the dead server", child.pid(), data);
                    Leftovers.stop(child, Duration.ofSeconds(5));
                }
                log.info("Removing a stale postmaster.pid (PID {}: {})", pid, describe(state));
                Files.deleteIfExists(pidFile);
            }
        }
        if (Files.isDirectory(data) && !Files.exists(dataDir.resolve(READY_MARKER)) && !isComplete(data)) {
            Path aside = Leftovers.moveAside(data);
            log.info("The cluster in {} was never finished (initdb interrupted); moved it to {}", data, aside);
        }
    }

    private static String describe(Leftovers.PidState state) {
        return switch (state) {
            case GONE -> "no such process";
            case ZOMBIE -> "a zombie, not yet reaped";
            case OTHER_PROGRAM -> "now another program";
            case SERVER -> "the server itself";
        };
    }

    private static long postmasterPid(Path pidFile) {
        try (var lines = Files.lines(pidFile)) {
            return lines.findFirst().map(String::trim).map(Long::parseLong).orElse(-1L);
        } catch (IOException | RuntimeException halfWritten) {
            return -1; // an empty or torn file: nobody can be running on it
        }
    }

    /**
     * A cluster from before {@link #READY_MARKER} existed, or one whose first start was cut short after
     * {@code initdb}: the files {@code initdb} writes last are there (its configuration, the control file and the
     * three databases). An empty folder is complete too: the embedded library runs {@code initdb} into it.
     */
    private static boolean isComplete(Path data) throws IOException {
        try (var entries = Files.list(data)) {
            if (entries.findAny().isEmpty()) {
                return true;
            }
        }
        if (!Files.exists(data.resolve("postgresql.conf"))
                || !Files.exists(data.resolve("PG_VERSION"))
                || !Files.exists(data.resolve("global").resolve("pg_control"))
                || !Files.isDirectory(data.resolve("base"))) {
            return false;
        }
        try (var databases = Files.list(data.resolve("base"))) {
            return databases.count() >= 3;
        }
    }

    /**
     * Removes binaries whose unpacking a crash cut short (no {@code .exists} marker, which the embedded library
     * writes last), so that they are unpacked again. Only for a caller that is alone on the folder: another JVM may
     * be unpacking into it right now (the tests share one).
     */
    public static void removeHalfUnpackedBinaries(Path binariesDir) throws IOException {
        if (!Files.isDirectory(binariesDir)) {
            return;
        }
        try (var dirs = Files.list(binariesDir)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("PG-"))
                    .filter(d -> !Files.exists(d.resolve(".exists")))
                    .toList()) {
                log.info("Removing half-unpacked PostgreSQL binaries in {}", dir);
                try (var tree = Files.walk(dir)) {
                    for (Path p :
                            tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    private void startServer(Path data) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (Boolean.parseBoolean(System.getenv("HOSTPLANE_DEV_PG_STAT_STATEMENTS"))) {
            // Benchmarks count statements per job (bench/jobs.sh); the embedded binaries ship the module.
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        postgres = builder.setPort(port)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binariesDir.toFile())
                .setPGStartupWait(Duration.ofSeconds(60))
                // Whoever started it stops it, in order (the launcher after the services, the tests' hook at the
                // end): a hook of its own would stop PostgreSQL while the services still finish their work.
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                // TCP on loopback only, no Unix socket: a socket's lock file lives in /tmp, outside the data folder,
                // and names the old postmaster's PID; after a crash that PID is a zombie for a while, which
                // PostgreSQL takes for a live server ("lock file /tmp/.s.PGSQL.<port>.lock already exists").
                .setServerConfig("unix_socket_directories", "")
                .setServerConfig("max_connections", "200")
                // The embedded defaults are -F and synchronous_commit=off: fast, but a commit could be
                // lost in a crash after the API answered 202. A 202 is a promise: durable commits.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                // The job path inserts and deletes outbox rows hundreds of times a second; autovacuum looks at a
                // table at most once per naptime (1 min by default), long enough for the outbox to pile up pages
                // that every scan of it pays for. The outbox's own thresholds are in its migration (V13).
                .setServerConfig("autovacuum_naptime", "5s")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolve("postgres.log").toFile()))
                .start();
    }

    public int port() {
        return port;
    }

    /** Creates a login role and a database it owns, unless they exist. Names must be plain identifiers. */
    public void ensureDatabase(String database, String user, String password) throws SQLException {
        requireIdentifier(database);
        ensureRole(user, password);
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("select 1 from pg_database where datname = '" + database + "'")) {
                if (!rs.next()) {
                    s.execute("create database " + database + " owner " + user);
                }
            }
        }
    }

    /**
     * Creates a login role without any privilege, or sets the password of the existing one (the audit store's writer and reader roles:
     * creating roles takes a superuser, which the services' own login is not).
     */
    public void ensureRole(String user, String password) throws SQLException {
        requireIdentifier(user);
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            String quoted = "'" + password.replace("'", "''") + "'";
            try (var rs = s.executeQuery("select 1 from pg_roles where rolname = '" + user + "'")) {
                if (!rs.next()) {
                    s.execute("create role " + user + " login password " + quoted);
                    return;
                }
            }
            // The password file beside the data may be new (replaced after a crash cut it short): it is the truth.
            s.execute("alter role " + user + " login password " + quoted);
        }
    }

    private static void requireIdentifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
    }

    @Override
    public synchronized void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("PostgreSQL did not stop cleanly: {}", e.getMessage());
        } finally {
            postgres = null;
        }
    }
}
