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

    public PostgresServer start() throws IOException {
        Files.createDirectories(dataDir);
        Files.createDirectories(binariesDir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (Boolean.parseBoolean(System.getenv("HOSTPLANE_DEV_PG_STAT_STATEMENTS"))) {
            // Benchmarks count statements per job (bench/jobs.sh); the embedded binaries ship the module.
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        postgres = builder.setPort(port)
                .setDataDirectory(dataDir.resolve("data"))
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(binariesDir.toFile())
                .setPGStartupWait(Duration.ofSeconds(60))
                // Whoever started it stops it, in order (the launcher after the services, the tests' hook at the
                // end): a hook of its own would stop PostgreSQL while the services still finish their work.
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
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
        log.info("PostgreSQL ready on 127.0.0.1:{} (data in {})", port, dataDir);
        return this;
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
     * Creates a login role without any privilege, unless it exists (the audit store's writer and reader roles:
     * creating roles takes a superuser, which the services' own login is not).
     */
    public void ensureRole(String user, String password) throws SQLException {
        requireIdentifier(user);
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("select 1 from pg_roles where rolname = '" + user + "'")) {
                if (!rs.next()) {
                    s.execute("create role " + user + " login password '" + password.replace("'", "''") + "'");
                }
            }
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
