package io.hostplane.audit.stream;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Audit streams ({@code hostplane.audit.streams.*}; docs/audit.md, "Streams").
 *
 * @param enabled whether this replica delivers audit streams at all
 * @param pollInterval how long a stream that has delivered everything waits before it looks for new events
 * @param refreshInterval how often the definitions are read, leases taken and renewed, and the chains listed
 * @param batchSize events (including those the stream's filters skip) read per round; an HTTP batch is at most
 *     this many events, and a stream never reads more than one batch ahead of its sink
 * @param leaseDuration how long a replica's hold on a stream lasts without renewal; another replica takes the
 *     stream over after it expired
 * @param pauseAfter a stream whose deliveries have failed continuously for this long pauses itself (status
 *     {@code self_paused_at} and {@code self_paused_reason}) until it is resumed or changed through the API
 * @param confirmAfter syslog: a written position becomes the durable checkpoint once this long has passed with
 *     the connection still alive; a reconnect resends from the checkpoint
 * @param maxBackoff the longest wait between two attempts of a failing delivery (the wait doubles from 200 ms)
 * @param lagCap the lag in status is counted up to this many events
 * @param http timeouts of the HTTP sink
 * @param syslog settings of the syslog sink
 * @param encryptionKey the platform's sealing key (base64 of 32 bytes; {@code hostplane.ssl.encryption-key}), which
 *     opens the tokens and CA certificates the API stored sealed; never logged. Empty: streams that carry sealed
 *     credentials report an error in their status
 * @param dbPoolSize JDBC pool size of the streams (the owner login)
 * @param allowedHosts addresses or CIDR networks a sink may be at although they are internal (loopback, private,
 *     link-local, …); the same setting the API checks new streams with. Checked again before every connection,
 *     since a sink's name can be re-pointed after the stream was saved
 */
@ConfigurationProperties("hostplane.audit.streams")
public record StreamProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("5s") Duration refreshInterval,
        @DefaultValue("500") int batchSize,
        @DefaultValue("30s") Duration leaseDuration,
        @DefaultValue("1h") Duration pauseAfter,
        @DefaultValue("5s") Duration confirmAfter,
        @DefaultValue("30s") Duration maxBackoff,
        @DefaultValue("10000") int lagCap,
        Http http,
        Syslog syslog,
        String encryptionKey,
        @DefaultValue("4") int dbPoolSize,
        @DefaultValue("") java.util.List<String> allowedHosts) {

    public StreamProperties {
        http = http == null ? new Http(Duration.ofSeconds(5), Duration.ofSeconds(30)) : http;
        syslog = syslog == null ? new Syslog(null, Duration.ofSeconds(5)) : syslog;
        batchSize = Math.max(1, batchSize);
        lagCap = Math.max(1, lagCap);
        allowedHosts = allowedHosts == null ? java.util.List.of() : allowedHosts;
    }

    /**
     * @param connectTimeout how long connecting to the collector may take
     * @param requestTimeout how long one batch may take to be answered; longer counts as a failure and the batch
     *     is sent again
     */
    public record Http(
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("30s") Duration requestTimeout) {}

    /**
     * @param hostname the HOSTNAME field of the syslog messages; empty: {@code -}
     * @param connectTimeout how long connecting (TCP and the TLS handshake) may take
     */
    public record Syslog(
            String hostname, @DefaultValue("5s") Duration connectTimeout) {}

    @Override
    public String toString() {
        return "StreamProperties[enabled=" + enabled + ", pollInterval=" + pollInterval + ", batchSize=" + batchSize
                + ", pauseAfter=" + pauseAfter + ", confirmAfter=" + confirmAfter + ", encryptionKey="
                + (encryptionKey == null || encryptionKey.isBlank() ? "none" : "set") + "]";
    }
}
