package io.hostplane.platform;

import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Lets {@code HOSTPLANE_LOG_FORMAT=text} ask for plain-text logs, as it does for {@code ./hostplane dev}: each
 * service's {@code logging.structured.format.console} is {@code ${HOSTPLANE_LOG_FORMAT:logstash}}, and Spring
 * Boot knows only JSON formats by name ({@code logstash}, {@code ecs}, {@code gelf}), so {@code text} becomes no
 * structured format at all. Runs after the configuration files are read and before logging is set up.
 */
public class LogFormatEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String CONSOLE_FORMAT = "logging.structured.format.console";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String format = environment.getProperty(CONSOLE_FORMAT);
        if (format != null && format.trim().toLowerCase(Locale.ROOT).equals("text")) {
            environment
                    .getPropertySources()
                    .addFirst(new MapPropertySource("hostplane-text-logs", Map.of(CONSOLE_FORMAT, "")));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
