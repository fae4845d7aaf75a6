package io.hostplane.audit.system;

import io.hostplane.platform.DatabaseSettings;
import io.hostplane.platform.SchemaMigrator;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

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
}
