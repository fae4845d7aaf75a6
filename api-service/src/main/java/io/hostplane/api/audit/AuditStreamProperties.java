package io.hostplane.api.audit;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the API accepts as an audit stream ({@code hostplane.audit.streams.*}); the audit service delivers them
 * with settings of its own under the same prefix.
 *
 * @param allowedHosts addresses or CIDR networks a sink may be at although they are loopback, private,
 *     link-local or otherwise internal (refused by default, as callback URLs are); tests allow 127.0.0.1
 * @param maxPerTenant the most streams one tenant may have (operator streams over every tenant count apart)
 * @param probeTimeout how long the API waits to reach a sink (and finish its TLS handshake) when a stream is
 *     created or its sink changed; a sink that does not answer in time is refused
 */
@ConfigurationProperties("hostplane.audit.streams")
record AuditStreamProperties(
        @DefaultValue("") List<String> allowedHosts,
        @DefaultValue("10") int maxPerTenant,
        @DefaultValue("5s") Duration probeTimeout) {}
