package io.hostplane.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The log encoder of {@code ./hostplane dev} ({@code logback.xml} of this module), by {@code HOSTPLANE_LOG_FORMAT}
 * ({@link LogFormat}): {@code text}, one short line a message for a person at a terminal (time, level, service,
 * message, and the request or job id when there is one), or Spring Boot's structured JSON ({@code json} =
 * {@code logstash}, {@code ecs} or {@code gelf}), as the services write in production.
 *
 * <p>The three services share this JVM's logging, set up by {@code logback.xml} before any Spring context exists,
 * so the JSON encoder finds no Spring environment of its own: it then gets one with the services' JSON settings
 * ({@code traceId} and {@code spanId} written as {@code trace_id} and {@code span_id}). Where Spring Boot set up
 * logging itself (a service in a process of its own, {@code HOSTPLANE_DEV_PROCESSES=true}), the service's own
 * environment is used.
 */
public class DevLogEncoder extends EncoderBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    private LogFormat format = LogFormat.JSON;
    private Encoder<ILoggingEvent> json;

    /**
     * One of {@link LogFormat}'s names; blank means {@code json}. An unknown name was refused before the JVM started
     * (the {@code ./hostplane} script) or by {@link HostplaneDev}; here it falls back to JSON, since a logging set-up
     * cannot stop the process.
     */
    public void setFormat(String format) {
        this.format = LogFormat.parse(format).orElse(LogFormat.JSON);
    }

    @Override
    public void start() {
        if (format != LogFormat.TEXT) {
            if (getContext().getObject(Environment.class.getName()) == null) {
                getContext().putObject(Environment.class.getName(), jsonSettings());
            }
            StructuredLogEncoder structured = new StructuredLogEncoder();
            structured.setContext(getContext());
            structured.setFormat(format.structuredFormat());
            structured.start();
            json = structured;
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

    /**
     * {@code 16:02:11.482 INFO  api     job 01a2… accepted: dns.record.create on … [request 01M9…]}: the service is
     * {@link ServiceName#of}; a stack trace follows an error's line, a warning's exception is one line.
     */
    static String text(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        line.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ');
        line.append(pad(event.getLevel().toString(), 5)).append(' ');
        line.append(pad(ServiceName.of(event.getLoggerName()), 7)).append(' ');
        line.append(event.getFormattedMessage());
        Map<String, String> mdc = event.getMDCPropertyMap();
        String request = mdc.get("request_id");
        String job = mdc.get("job_id");
        if (request != null || job != null) {
            line.append(" [");
            if (request != null) {
                line.append("request ").append(request);
            }
            if (job != null && !event.getFormattedMessage().contains(job)) {
                line.append(request != null ? ", " : "").append("job ").append(job);
            }
            line.append(']');
        }
        if (event.getThrowableProxy() != null) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                line.append(CoreConstants.LINE_SEPARATOR)
                        .append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            } else {
                line.append(" (")
                        .append(event.getThrowableProxy().getClassName())
                        .append(": ")
                        .append(event.getThrowableProxy().getMessage())
                        .append(')');
            }
        }
        return line.append(CoreConstants.LINE_SEPARATOR).toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    @Override
    public byte[] headerBytes() {
        return json == null ? null : json.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return json == null ? text(event).getBytes(StandardCharsets.UTF_8) : json.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return json == null ? null : json.footerBytes();
    }

    @Override
    public void stop() {
        if (json != null) {
            json.stop();
        }
        super.stop();
    }
}
