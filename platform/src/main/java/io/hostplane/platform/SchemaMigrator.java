package io.hostplane.platform;

import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Migrates the one schema a service owns ({@code api}, {@code worker} or {@code audit}) with Flyway, from
 * {@code classpath:db/<schema>}. Runs once all beans exist and before any lifecycle component (web server,
 * Kafka listeners, relays) starts, so nothing touches a table that is not there yet.
 */
public final class SchemaMigrator implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

    private final DatabaseSettings database;
    private final String schema;

    public SchemaMigrator(DatabaseSettings database, String schema) {
        this.database = database;
        this.schema = schema;
    }

    @Override
    public void afterSingletonsInstantiated() {
        // Two services may migrate a shared schema (control) at the same moment; Flyway's lock serialises
        // the migrations, and a lost race to create the schema itself is settled by trying again.
        for (int attempt = 1; ; attempt++) {
            try {
                migrate();
                return;
            } catch (RuntimeException e) {
                if (attempt >= 3) {
                    throw e;
                }
                log.warn("migrating schema {} failed (attempt {}), retrying: {}", schema, attempt, e.getMessage());
            }
        }
    }

    private void migrate() {
        var result = Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .schemas(schema)
                .defaultSchema(schema)
                .table("schema_history")
                .locations("classpath:db/" + schema)
                .connectRetries(30)
                .load()
                .migrate();
        log.info(
                "Schema {} at version {} ({} migrations applied)",
                schema,
                result.targetSchemaVersion,
                result.migrationsExecuted);
    }
}
