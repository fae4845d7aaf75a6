package io.hostplane.worker.system;

import io.hostplane.platform.DatabaseSettings;
import io.hostplane.platform.SchemaMigrator;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The worker's database (schema {@code worker}) and what happens when a command cannot be processed at all. */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

    @Bean
    DataSource dataSource(Environment env, WorkerProperties settings) {
        return DatabaseSettings.from(env).newDataSource("worker", settings.dbPoolSize());
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
}
