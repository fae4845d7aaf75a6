package io.hostplane.worker;

import io.hostplane.platform.KafkaTopicsConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** Applies commands to the backends. Its configuration file is {@code worker-service.yml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(KafkaTopicsConfiguration.class)
public class WorkerApplication {

    public static final String CONFIG_NAME = "spring.config.name=worker-service";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(WorkerApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
