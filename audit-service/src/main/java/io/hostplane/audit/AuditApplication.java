package io.hostplane.audit;

import io.hostplane.platform.KafkaTopicsConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** Stores every event in the audit log. Its configuration file is {@code audit-service.yml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(KafkaTopicsConfiguration.class)
public class AuditApplication {

    public static final String CONFIG_NAME = "spring.config.name=audit-service";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(AuditApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
