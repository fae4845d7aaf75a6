package io.hostplane.audit.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * The runner is wired from {@code hostplane.audit.streams.*} and the owner login, and is left out when disabled.
 * (The audit service's other tests disable it and run runners of their own.)
 */
class StreamConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(StreamProperties.class)
    static class Properties {}

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Properties.class, StreamConfiguration.class)
            .withPropertyValues(
                    // Nothing listens there: the runner only has to exist, not to reach a database.
                    "spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:1/none",
                    "hostplane.audit.streams.pause-after=2s",
                    "hostplane.audit.streams.syslog.hostname=collector-name");

    @Test
    void theRunnerIsWiredFromItsSettingsAndCanBeSwitchedOff() {
        context.run(c -> {
            assertThat(c).hasSingleBean(StreamRunner.class);
            StreamProperties properties = c.getBean(StreamProperties.class);
            assertThat(properties.pauseAfter()).isEqualTo(Duration.ofSeconds(2));
            assertThat(properties.batchSize()).isEqualTo(500);
            assertThat(properties.confirmAfter()).isEqualTo(Duration.ofSeconds(5));
            assertThat(properties.syslog().hostname()).isEqualTo("collector-name");
            assertThat(properties.http().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(properties.toString()).contains("encryptionKey=none");
        });
        context.withPropertyValues("hostplane.audit.streams.enabled=false")
                .run(c -> assertThat(c).doesNotHaveBean(StreamRunner.class));
    }
}
