package io.hostplane.api.bootstrap;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * First-start set-up of the local stack.
 *
 * @param enabled create the demo tenant, its token, the operator token and the demo domain if missing
 * @param dir folder for the token files {@code demo-token} and {@code admin-token} (mode 600)
 * @param demoTenant name of the demo tenant
 * @param demoDomain domain created for the demo tenant
 */
@ConfigurationProperties("hostplane.bootstrap")
public record BootstrapProperties(
        boolean enabled,
        @DefaultValue(".hostplane") Path dir,
        @DefaultValue("demo") String demoTenant,
        @DefaultValue("example.test") String demoDomain) {}
