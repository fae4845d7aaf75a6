package io.hostplane.worker.dns;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param url base URL of PowerDNS Authoritative's HTTP API, e.g. {@code http://127.0.0.1:8081}
 * @param apiKey the API key ({@code api-key} in {@code pdns.conf}); never logged
 * @param serverId the server id in API paths
 * @param timeout how long to wait to connect, and for each answer
 * @param serializeWrites send this worker's changes one at a time (default): PowerDNS's SQLite backend takes
 *     one writer and refuses a concurrent one ("database is locked"), which cost retries and, under load, jobs;
 *     with a database backend that takes concurrent writers, {@code false} lets zones change in parallel
 */
@ConfigurationProperties("hostplane.dns.powerdns")
record PowerDnsProperties(
        String url,
        String apiKey,
        @DefaultValue("localhost") String serverId,
        @DefaultValue("10s") Duration timeout,
        @DefaultValue("true") boolean serializeWrites) {

    @Override
    public String toString() {
        return "PowerDnsProperties[url=" + url + ", apiKey=" + Fingerprints.of(apiKey) + ", serverId=" + serverId
                + ", timeout=" + timeout + ", serializeWrites=" + serializeWrites + "]";
    }
}
