package io.hostplane.api.audit;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API's own audit query ({@link AuditEventStore#find}, the code behind {@code GET /audit/events}) on one
 * connection of a benchmark's: the store's share of a request, with the SQL, the driver and the row mapping the API
 * uses. It lives in the API's package (in the benchmark module) so that it calls the store as the API does.
 */
public final class AuditStoreProbe implements AutoCloseable {

    private final ConnectionPool pool;
    private final AuditEventStore store;

    /** {@code r2dbcUrl} as {@code spring.r2dbc.url}; the login may be the owner or the read-only reader. */
    public AuditStoreProbe(String r2dbcUrl, String user, String password) {
        ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(r2dbcUrl)
                .mutate()
                .option(ConnectionFactoryOptions.USER, user)
                .option(ConnectionFactoryOptions.PASSWORD, password)
                .build();
        this.pool = new ConnectionPool(ConnectionPoolConfiguration.builder(ConnectionFactories.get(options))
                .initialSize(1)
                .maxSize(1)
                .name("audit-bench")
                .build());
        this.store = new AuditEventStore(
                new AuditDatabase(DatabaseClient.create(pool)),
                JsonMapper.builder().build());
    }

    /**
     * The first page of one tenant's events in [{@code from}, {@code to}), newest first, as {@code GET /audit/events}
     * reads it (one row more than the page, to know whether another follows); returns the rows read.
     */
    public long firstPage(String tenant, Instant from, Instant to, int pageSize) {
        AuditQuery query =
                new AuditQuery(tenant, from, to, List.of(), null, null, null, null, null, false, null, false);
        Long rows = store.find(query, null, pageSize + 1).count().block(Duration.ofSeconds(60));
        return rows == null ? 0 : rows;
    }

    @Override
    public void close() {
        pool.dispose();
    }
}
