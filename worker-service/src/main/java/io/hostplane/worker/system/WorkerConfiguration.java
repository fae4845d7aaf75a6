package io.hostplane.worker.system;

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

/** The worker's database (schema {@code worker}) and what happens when a command cannot be processed at all. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    @Bean
    DataSource dataSource(Environment env, @Value("${hostplane.worker.db-pool-size:8}") int poolSize) {
        return DatabaseSettings.from(env).newDataSource("worker", poolSize);
    }

    @Bean
    SchemaMigrator workerSchema(Environment env) {
        return new SchemaMigrator(DatabaseSettings.from(env), "worker");
    }

    /** Job claims shared with the API (see {@code db/control}); migrated by whichever service starts first. */
    @Bean
    SchemaMigrator controlSchema(Environment env) {
        return new SchemaMigrator(DatabaseSettings.from(env), "control");
    }

    /**
     * When processing throws (the database or Kafka is down), the same record is retried with growing
     * pauses, never skipped: a command is not lost, and later commands of its partition wait behind it.
     */
    @Bean
    DefaultErrorHandler commandErrorHandler() {
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
