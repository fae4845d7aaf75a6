package io.hostplane.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

@Tag("fast")
class LogFormatEnvironmentPostProcessorTest {

    @Test
    void textMeansNoStructuredFormat() {
        assertThat(formatAfterwards("text")).isEmpty();
        assertThat(formatAfterwards(" TEXT ")).isEmpty();
    }

    @Test
    void jsonFormatsStayAsTheyAre() {
        assertThat(formatAfterwards("logstash")).isEqualTo("logstash");
        assertThat(formatAfterwards("ecs")).isEqualTo("ecs");
        assertThat(formatAfterwards(null)).isNull();
    }

    private static String formatAfterwards(String configured) {
        StandardEnvironment environment = new StandardEnvironment();
        if (configured != null) {
            environment
                    .getPropertySources()
                    .addLast(new MapPropertySource(
                            "yml", Map.of(LogFormatEnvironmentPostProcessor.CONSOLE_FORMAT, configured)));
        }
        new LogFormatEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
        return environment.getProperty(LogFormatEnvironmentPostProcessor.CONSOLE_FORMAT);
    }
}
