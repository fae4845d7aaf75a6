package io.hostplane.api;

import io.hostplane.platform.KafkaTopicsConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The public HTTP API. Its configuration file is {@code api-service.yml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
@Import(KafkaTopicsConfiguration.class)
public class ApiApplication {

    /** Own configuration name, so that the three services can share one JVM in {@code ./hostplane dev}. */
    public static final String CONFIG_NAME = "spring.config.name=api-service";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(ApiApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        SpringApplication app = builder().build();
        app.run(args);
    }
}
