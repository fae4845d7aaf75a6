package io.hostplane.platform;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.core.env.Environment;

/**
 * Where a service's PostgreSQL is. Every service is configured through Spring's own keys
 * {@code spring.r2dbc.url}, {@code spring.r2dbc.username} and {@code spring.r2dbc.password} (environment
 * {@code SPRING_R2DBC_URL}, …), so one setting points the whole platform at a database; services that talk
 * JDBC (schema migration, the worker, the audit writer) derive the JDBC URL from it.
 */
public record DatabaseSettings(String r2dbcUrl, String username, String password) {

    public static DatabaseSettings from(Environment env) {
        String url = env.getProperty("spring.r2dbc.url");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("spring.r2dbc.url is not set");
        }
        return new DatabaseSettings(
                url, env.getProperty("spring.r2dbc.username"), env.getProperty("spring.r2dbc.password"));
    }

    /** {@code r2dbc:postgresql://h:p/db?x} → {@code jdbc:postgresql://h:p/db?x} (also {@code r2dbc:pool:postgresql:}). */
    public String jdbcUrl() {
        String rest = r2dbcUrl;
        if (rest.startsWith("r2dbc:pool:")) {
            rest = "r2dbc:" + rest.substring("r2dbc:pool:".length());
        }
        if (!rest.startsWith("r2dbc:postgresql://") && !rest.startsWith("r2dbc:postgres://")) {
            throw new IllegalStateException("spring.r2dbc.url must be an r2dbc:postgresql:// URL, not " + r2dbcUrl);
        }
        return "jdbc:postgresql://" + rest.substring(rest.indexOf("://") + 3);
    }

    /** A small JDBC pool for services that work with blocking JDBC. */
    public DataSource newDataSource(String poolName, int maxPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(jdbcUrl());
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(maxPoolSize);
        config.setMinimumIdle(1);
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(5000);
        // A JDBC batch of inserts goes as multi-row inserts: the audit ingest writes hundreds of rows a poll.
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        return new HikariDataSource(config);
    }
}
