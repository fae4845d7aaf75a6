package io.hostplane.worker.website;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param backend where websites go: {@code local} (writes each website's server block and runs nothing) or
 *     {@code nginx} (writes it, tests and reloads nginx, and keeps a default server)
 * @param nginx server blocks (both backends write them)
 */
@ConfigurationProperties("hostplane.websites")
record WebsiteProperties(
        @DefaultValue("local") String backend, @DefaultValue Nginx nginx) {

    /**
     * @param confDir folder of one {@code {domain}.conf} server block per website (and {@code {domain}.json}, the
     *     website it was made from); nginx's {@code http} block must include {@code {conf-dir}/*.conf}
     * @param httpPort port of the websites' plain-HTTP server blocks
     * @param httpsPort port of their TLS server blocks (written when the domain has a certificate in
     *     {@code hostplane.ssl.nginx.cert-dir})
     * @param listenAddress IP address the blocks listen on; empty: every address
     * @param defaultServer whether the {@code nginx} backend writes {@code {conf-dir}/00-default.conf}, the
     *     {@code default_server} that closes connections for unknown host names (444, and TLS handshakes refused)
     * @param testCommand checks nginx's configuration with the new files, e.g. {@code nginx -t}; a list, or one
     *     string split at whitespace (no shell quoting); empty: not run
     * @param reloadCommand makes nginx load the new files, e.g. {@code nginx -s reload}; same form; empty: not run
     * @param commandTimeout longest a command may run; a command that takes longer is killed, the previous files
     *     are put back and the job is retried (a transient fault)
     */
    record Nginx(
            @DefaultValue("/etc/nginx/hostplane-sites") String confDir,
            @DefaultValue("80") int httpPort,
            @DefaultValue("443") int httpsPort,
            @DefaultValue("") String listenAddress,
            @DefaultValue("true") boolean defaultServer,
            List<String> testCommand,
            List<String> reloadCommand,
            @DefaultValue("30s") Duration commandTimeout) {}
}
