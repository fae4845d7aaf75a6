package io.hostplane.local;

import java.util.Map;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Spring Boot's structured (JSON) log encoder for {@code ./hostplane dev}. The three services share this JVM's
 * logging, set up by this module's {@code logback.xml} before any Spring context exists, so the encoder finds
 * no Spring environment of its own: it then gets one with the services' JSON settings ({@code traceId} and
 * {@code spanId} written as {@code trace_id} and {@code span_id}). Where Spring Boot set up logging itself (a
 * service in a process of its own, {@code HOSTPLANE_DEV_PROCESSES=true}), the service's environment is used.
 */
public class DevLogEncoder extends StructuredLogEncoder {

    @Override
    public void start() {
        if (getContext().getObject(Environment.class.getName()) == null) {
            StandardEnvironment environment = new StandardEnvironment();
            environment
                    .getPropertySources()
                    .addLast(new MapPropertySource(
                            "hostplane-dev-logging",
                            Map.of(
                                    "logging.structured.json.rename[traceId]", "trace_id",
                                    "logging.structured.json.rename[spanId]", "span_id")));
            getContext().putObject(Environment.class.getName(), environment);
        }
        super.start();
    }
}
