package io.hostplane.audit.system;

import io.hostplane.platform.DatabaseSettings;
import io.hostplane.platform.SchemaMigrator;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/** The audit store (schema {@code audit}, owned and migrated here only). */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    @Bean
    DataSource dataSource(Environment env, @Value("${hostplane.audit.db-pool-size:4}") int poolSize) {
        return DatabaseSettings.from(env).newDataSource("audit", poolSize);
    }

    @Bean
    SchemaMigrator auditSchema(Environment env) {
        return new SchemaMigrator(DatabaseSettings.from(env), "audit");
    }

    /** A batch that cannot be stored (database down) is retried, never skipped: offsets stay uncommitted. */
    @Bean
    DefaultErrorHandler auditErrorHandler() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler(backOff);
        handler.setRetryListeners((record, ex, attempt) -> LoggerFactory.getLogger(getClass())
                .warn(
                        "processing {}-{}@{} failed (attempt {}), will retry: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        attempt,
                        ex.getCause() == null ? ex.toString() : ex.getCause().toString()));
        return handler;
    }
}
