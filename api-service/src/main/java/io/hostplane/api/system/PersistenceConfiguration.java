package io.hostplane.api.system;

import io.hostplane.platform.DatabaseSettings;
import io.hostplane.platform.SchemaMigrator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/** The API owns schema {@code api}; it reads {@code audit} (owned by the audit service) but never writes it. */
@Configuration(proxyBeanMethods = false)
class PersistenceConfiguration {

    @Bean
    SchemaMigrator apiSchema(Environment env) {
        return new SchemaMigrator(DatabaseSettings.from(env), "api");
    }

    /** Job claims shared with the workers (see {@code db/control}); migrated by whichever service starts first. */
    @Bean
    SchemaMigrator controlSchema(Environment env) {
        return new SchemaMigrator(DatabaseSettings.from(env), "control");
    }

    @Bean
    TransactionalOperator transactionalOperator(ReactiveTransactionManager transactions) {
        return TransactionalOperator.create(transactions);
    }
}
