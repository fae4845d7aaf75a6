package io.hostplane.api.audit;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The API's way into the audit store: a small pool of the read-only login {@code hostplane.audit.reader} (SELECT
 * on the audit tables, nothing else), so that no bug in the API can change audit rows. Not a
 * {@code ConnectionFactory} bean, which would replace the API's main one. Without a reader login configured the
 * API's own pool is used.
 */
@Component
class AuditDatabase implements DisposableBean {

    private final DatabaseClient client;
    private final ConnectionPool pool;

    @Autowired
    AuditDatabase(AuditApiProperties properties, Environment env, DatabaseClient main) {
        if (!properties.reader().configured()) {
            this.client = main;
            this.pool = null;
            return;
        }
        ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(env.getRequiredProperty("spring.r2dbc.url"))
                .mutate()
                .option(ConnectionFactoryOptions.USER, properties.reader().username())
                .option(ConnectionFactoryOptions.PASSWORD, properties.reader().password())
                .build();
        this.pool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(options))
                .initialSize(0)
                .maxSize(4)
                .name("audit-reader")
                .build());
        this.client = DatabaseClient.create(pool);
    }

    /** The store through {@code client} (a benchmark's own connection, timing the API's queries as the API runs them). */
    AuditDatabase(DatabaseClient client) {
        this.client = client;
        this.pool = null;
    }

    DatabaseClient client() {
        return client;
    }

    @Override
    public void destroy() {
        if (pool != null) {
            pool.dispose();
        }
    }
}
