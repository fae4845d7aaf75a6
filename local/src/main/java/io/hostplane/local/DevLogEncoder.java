package io.hostplane.local;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The log encoder of {@code ./hostplane dev} ({@code logback.xml} of this module), by {@code HOSTPLANE_LOG_FORMAT}:
 * Spring Boot's structured JSON ({@code logstash}, the default, {@code ecs} or {@code gelf}), as the services
 * write in production, or {@code text}, one line a message for people, with the request or job id, the tenant and
 * the trace id.
 *
 * <p>The three services share this JVM's logging, set up by {@code logback.xml} before any Spring context exists,
 * so the JSON encoder finds no Spring environment of its own: it then gets one with the services' JSON settings
 * ({@code traceId} and {@code spanId} written as {@code trace_id} and {@code span_id}). Where Spring Boot set up
 * logging itself (a service in a process of its own, {@code HOSTPLANE_DEV_PROCESSES=true}), the service's own
 * environment is used.
 */
public class DevLogEncoder extends EncoderBase<ILoggingEvent> {

    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} "
            + "[%X{request_id:-}%X{job_id:-} %X{tenant:-} %X{traceId:-}] - %msg%n";

    private String format = "logstash";
    private Encoder<ILoggingEvent> delegate;

    /** {@code logstash}, {@code ecs}, {@code gelf} or {@code text}; blank means {@code logstash}. */
    public void setFormat(String format) {
        this.format = format == null || format.isBlank() ? "logstash" : format.trim();
    }

    @Override
    public void start() {
        if (format.toLowerCase(Locale.ROOT).equals("text")) {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setContext(getContext());
            text.setPattern(TEXT_PATTERN);
            text.setCharset(StandardCharsets.UTF_8);
            text.start();
            delegate = text;
        } else {
            if (getContext().getObject(Environment.class.getName()) == null) {
                getContext().putObject(Environment.class.getName(), jsonSettings());
            }
            StructuredLogEncoder json = new StructuredLogEncoder();
            json.setContext(getContext());
            json.setFormat(format);
            json.start();
            delegate = json;
        }
        super.start();
    }

    private static Environment jsonSettings() {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        "hostplane-dev-logging",
                        Map.of(
                                "logging.structured.json.rename[traceId]", "trace_id",
                                "logging.structured.json.rename[spanId]", "span_id")));
        return environment;
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }
}
