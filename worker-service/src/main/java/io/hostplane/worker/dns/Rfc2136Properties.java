package io.hostplane.worker.dns;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param server the authoritative server that takes the updates, {@code host:port} (port 53 if left out)
 * @param tsigKeyName the name of the TSIG key that signs every message
 * @param tsigSecret the key's secret, base64; never logged
 * @param tsigAlgorithm the key's algorithm, e.g. {@code hmac-sha256} or {@code hmac-sha512}
 * @param timeout how long to wait for each answer
 */
@ConfigurationProperties("hostplane.dns.rfc2136")
record Rfc2136Properties(
        String server,
        String tsigKeyName,
        String tsigSecret,
        @DefaultValue("hmac-sha256") String tsigAlgorithm,
        @DefaultValue("10s") Duration timeout) {

    @Override
    public String toString() {
        return "Rfc2136Properties[server=" + server + ", tsigKeyName=" + tsigKeyName + ", tsigSecret="
                + Fingerprints.of(tsigSecret) + ", tsigAlgorithm=" + tsigAlgorithm + ", timeout=" + timeout + "]";
    }
}
