package io.hostplane.audit.system;

import io.hostplane.platform.DatabaseSettings;
import io.hostplane.platform.SchemaMigrator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Migrates schema {@code audit} as its owner, then makes append-only hold through privileges: the writer login
 * gets {@code SELECT, INSERT} on the audit tables (and the sequence of {@code events.seq}), the reader login
 * {@code SELECT} only; {@code UPDATE, DELETE, TRUNCATE} are revoked from both. Since V3 the writer also inserts
 * ids into {@code audit.event_ids}, reads {@code audit.expirations} and may run {@code audit.ensure_partitions}
 * (which creates a missing partition as the owner); the reader reads {@code audit.expirations}. Neither owns
 * anything, so neither can detach or drop a partition: only the owner's retention task does. Schema
 * {@code audit_stream} (the audit streams' positions and status, written by the owner login) is readable by the
 * reader login, for the API's {@code GET /audit/streams}. Roles missing from the cluster are
 * created here when the owner may create roles (the compose stack, whose owner is a superuser); otherwise the
 * place that creates the database creates them as a superuser (the test infrastructure, {@code ./hostplane dev})
 * and start-up fails with a message saying so. Runs before any Kafka listener starts.
 */
public final class AuditSchema implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(AuditSchema.class);
    private static final List<String> TABLES = List.of("audit.events", "audit.quarantine", "audit.checkpoints");

    private final DatabaseSettings owner;
    private final AuditProperties properties;

    AuditSchema(DatabaseSettings owner, AuditProperties properties) {
        this.owner = owner;
        this.properties = properties;
    }

    @Override
    public void afterSingletonsInstantiated() {
        migrate();
    }

    /**
     * Creates what is missing of the schema and grants the logins their rights; run at start-up, and again by a
     * rebuild of the store after its schema was dropped.
     */
    public void migrate() {
        new SchemaMigrator(owner, "audit").afterSingletonsInstantiated();
        new SchemaMigrator(owner, "audit_replay").afterSingletonsInstantiated();
        new SchemaMigrator(owner, "audit_stream").afterSingletonsInstantiated();
        try (Connection c = DriverManager.getConnection(owner.jdbcUrl(), owner.username(), owner.password());
                Statement s = c.createStatement()) {
            String tables = String.join(", ", TABLES);
            if (properties.writer().configured()) {
                String writer = role(c, properties.writer());
                s.execute("grant usage on schema audit to " + writer);
                s.execute("revoke update, delete, truncate, references, trigger on " + tables + " from " + writer);
                s.execute("grant select, insert on " + tables + " to " + writer);
                s.execute("grant usage on sequence audit.events_seq_seq to " + writer);
                s.execute("grant usage on schema audit_replay to " + writer);
                s.execute("grant select, insert on audit_replay.log to " + writer);
                // Retention (V3): the ids that keep each event once, the expired ranges a chain continues from, and
                // the one function that creates a missing partition (as the owner). No DDL of its own.
                s.execute("revoke update, delete, truncate, references, trigger on audit.event_ids from " + writer);
                s.execute("grant select, insert on audit.event_ids to " + writer);
                s.execute("revoke insert, update, delete, truncate, references, trigger on audit.expirations from "
                        + writer);
                s.execute("grant select on audit.expirations to " + writer);
                s.execute("grant execute on function audit.ensure_partitions(timestamptz, text) to " + writer);
            }
            if (properties.reader().configured()) {
                String reader = role(c, properties.reader());
                s.execute("grant usage on schema audit to " + reader);
                s.execute("revoke insert, update, delete, truncate, references, trigger on " + tables + " from "
                        + reader);
                s.execute("grant select on " + tables + " to " + reader);
                s.execute("revoke insert, update, delete, truncate, references, trigger on audit.expirations from "
                        + reader);
                s.execute("grant select on audit.expirations to " + reader);
                // Audit streams: the API shows each stream's position and status (docs/audit.md, "Streams").
                s.execute("grant usage on schema audit_stream to " + reader);
                s.execute("revoke insert, update, delete, truncate, references, trigger on all tables in schema "
                        + "audit_stream from " + reader);
                s.execute("grant select on all tables in schema audit_stream to " + reader);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot grant the audit roles: " + e.getMessage(), e);
        }
    }

    /** The role's quoted name, created first if it is missing and the owner may create roles. */
    private String role(Connection c, AuditProperties.Login login) throws SQLException {
        String name = login.username();
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalStateException("audit role names must be plain identifiers: " + name);
        }
        try (PreparedStatement p = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                if (rs.next()) {
                    return name;
                }
            }
        }
        boolean mayCreate;
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select rolsuper or rolcreaterole from pg_roles where rolname = current_user")) {
            mayCreate = rs.next() && rs.getBoolean(1);
        }
        if (!mayCreate || login.password() == null || login.password().isBlank()) {
            throw new IllegalStateException("database role " + name + " does not exist and " + owner.username()
                    + " may not create it: create it as a superuser (docs/audit.md, Roles)");
        }
        try (Statement s = c.createStatement()) {
            s.execute("create role " + name + " login password '"
                    + login.password().replace("'", "''") + "'");
        }
        log.info("created database role {} for the audit store", name);
        return name;
    }
}
