package io.hostplane.worker.ssl;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param backend where certificates go: {@code local} (recorded in PostgreSQL only) or {@code nginx}
 * @param encryptionKey the API's {@code hostplane.ssl.encryption-key} (base64 of 32 bytes), to decrypt private
 *     keys; required by the {@code nginx} backend; never logged
 * @param nginx settings of the {@code nginx} backend
 */
@ConfigurationProperties("hostplane.ssl")
record SslProperties(
        @DefaultValue("local") String backend,
        String encryptionKey,
        @DefaultValue Nginx nginx) {

    /**
     * @param certDir folder of {@code {domain}.crt} (certificate and chain) and {@code {domain}.key} (mode 600)
     * @param testCommand checks nginx's configuration with the new files, e.g. {@code nginx -t}; a list, or one
     *     string split at whitespace (no shell quoting); empty: not run
     * @param reloadCommand makes nginx load the new files, e.g. {@code nginx -s reload}; same form; empty: not run
     * @param commandTimeout longest a command may run; a command that takes longer is killed, the previous files
     *     are put back and the job is retried (a transient fault)
     */
    record Nginx(
            String certDir,
            List<String> testCommand,
            List<String> reloadCommand,
            @DefaultValue("30s") Duration commandTimeout) {}

    @Override
    public String toString() {
        return "SslProperties[backend=" + backend + ", encryptionKey=<hidden>, nginx=" + nginx + "]";
    }
}
