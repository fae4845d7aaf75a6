package io.hostplane.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class DevLoggingTest {

    @Test
    void aTextLineIsTimeLevelServiceMessageAndTheRequestAndJobIds() {
        LoggingEvent event = event(
                "io.hostplane.api.jobs.JobService",
                Level.INFO,
                "job accepted: dns.record.create",
                Map.of("request_id", "01M9REQ", "job_id", "01a2-job", "tenant", "t_1"));
        assertThat(DevLogEncoder.text(event))
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  api     job accepted: dns.record.create "
                        + "\\[request 01M9REQ, job 01a2-job\\]\\R");
    }

    @Test
    void aLineWithoutIdsEndsWithTheMessageAndALibraryIsNamedByItsProject() {
        LoggingEvent event = event("org.apache.kafka.clients.NetworkClient", Level.WARN, "connection refused");
        assertThat(DevLogEncoder.text(event)).matches("\\S+ WARN  kafka   connection refused\\R");
        assertThat(ServiceName.of("io.hostplane.embedded.KafkaBroker")).isEqualTo("dev");
        assertThat(ServiceName.of("io.hostplane.worker.system.JobRunner")).isEqualTo("worker");
        assertThat(ServiceName.runAs("audit", () -> ServiceName.of("io.hostplane.platform.SchemaMigrator")))
                .isEqualTo("audit");
        assertThat(ServiceName.of("org.springframework.boot.SpringApplication")).isEqualTo("spring");
    }

    @Test
    void theJsonFormatsWriteOneObjectALine() {
        for (String format : new String[] {"json", "logstash", "ecs", "gelf", ""}) {
            DevLogEncoder encoder = new DevLogEncoder();
            encoder.setContext(new LoggerContext());
            encoder.setFormat(format);
            encoder.start();
            String line = new String(
                    encoder.encode(event("io.hostplane.api.X", Level.INFO, "hello")), StandardCharsets.UTF_8);
            assertThat(line).as(format).startsWith("{").endsWith("}\n").contains("hello");
        }
    }

    @Test
    void unknownSettingsAreRefusedInOneLineNamingTheAcceptedValues() {
        assertThatThrownBy(() -> DevLogging.configure(Map.of("HOSTPLANE_LOG_FORMAT", "yaml")))
                .hasMessage("HOSTPLANE_LOG_FORMAT=yaml is not one of text, json, logstash, ecs, gelf");
        assertThatThrownBy(() -> DevLogging.configure(Map.of("HOSTPLANE_ACCESS_LOG", "yes")))
                .hasMessage("HOSTPLANE_ACCESS_LOG=yes is not one of on, off");
        assertThatThrownBy(() -> HostplaneDev.portOffset("-1"))
                .hasMessage("HOSTPLANE_DEV_PORT_OFFSET=-1 is not a whole number from 0 to 50000");
        assertThat(HostplaneDev.portOffset(null)).isZero();
        assertThat(HostplaneDev.portOffset("1000")).isEqualTo(1000);
    }

    @Test
    void theAccessLogIsOffUnlessSwitchedOn() {
        ch.qos.logback.classic.Logger access =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(DevLogging.ACCESS_LOGGER);
        DevLogging.configure(Map.of());
        assertThat(access.isInfoEnabled()).isFalse();
        DevLogging.configure(Map.of("HOSTPLANE_ACCESS_LOG", "on"));
        assertThat(access.isInfoEnabled()).isTrue();
        DevLogging.configure(Map.of("HOSTPLANE_ACCESS_LOG", "off"));
        assertThat(access.isInfoEnabled()).isFalse();
    }

    private static LoggingEvent event(String logger, Level level, String message) {
        return event(logger, level, message, Map.of());
    }

    private static LoggingEvent event(String logger, Level level, String message, Map<String, String> mdc) {
        LoggingEvent event = new LoggingEvent();
        event.setLoggerName(logger);
        event.setLevel(level);
        event.setMessage(message);
        event.setTimeStamp(System.currentTimeMillis());
        event.setThreadName("main");
        event.setMDCPropertyMap(mdc);
        return event;
    }
}
