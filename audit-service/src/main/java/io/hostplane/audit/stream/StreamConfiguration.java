package io.hostplane.audit.stream;

import io.hostplane.platform.DatabaseSettings;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The audit streams' runner, unless {@code hostplane.audit.streams.enabled=false}. It works as the schema owner
 * ({@code spring.r2dbc.*}) with a small pool of its own: it reads {@code api.audit_streams} and
 * {@code audit.events} and writes {@code audit_stream.*}, none of which the writer login may touch.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "hostplane.audit.streams", name = "enabled", matchIfMissing = true)
class StreamConfiguration {

    @Bean
    StreamRunner streamRunner(Environment env, StreamProperties properties) {
        DatabaseSettings owner = DatabaseSettings.from(env);
        return new StreamRunner(
                owner.newDataSource("audit-streams", properties.dbPoolSize()), properties, instanceName());
    }

    /** Host name, process id and a random suffix: unique per runner, readable in the status table. */
    static String instanceName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        return host + "/" + ProcessHandle.current().pid() + "/"
                + UUID.randomUUID().toString().substring(0, 8);
    }
}
