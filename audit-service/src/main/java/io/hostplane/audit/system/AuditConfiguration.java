package io.hostplane.audit.system;

import io.hostplane.platform.DatabaseSettings;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The audit store (schema {@code audit}, owned and migrated here only). The owner's login migrates and grants;
 * the ingestor writes through the writer login, which may only insert and read.
 */
@Configuration(proxyBeanMethods = false)
class AuditConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AuditConfiguration.class);

    @Bean
    DataSource dataSource(Environment env, AuditProperties properties) {
        DatabaseSettings owner = DatabaseSettings.from(env);
        if (!properties.writer().configured()) {
            log.warn(
                    "hostplane.audit.writer is not set: the ingestor writes as the schema owner {}, so only the "
                            + "triggers, not privileges, keep audit rows from being changed",
                    owner.username());
            return owner.newDataSource("audit", properties.dbPoolSize());
        }
        return new DatabaseSettings(
                        owner.r2dbcUrl(),
                        properties.writer().username(),
                        properties.writer().password())
                .newDataSource("audit", properties.dbPoolSize());
    }

    @Bean
    AuditSchema auditSchema(Environment env, AuditProperties properties) {
        return new AuditSchema(DatabaseSettings.from(env), properties);
    }
}
