package io.hostplane.worker.dns;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param backend where zones live: {@code local}, {@code powerdns} or {@code rfc2136}
 * @param nameservers the NS records of a zone the worker creates (powerdns); the first one is the SOA's
 *     primary name server
 * @param hostmaster the SOA's mailbox of a zone the worker creates (powerdns), as a DNS name
 */
@ConfigurationProperties("hostplane.dns")
record DnsProperties(
        @DefaultValue("local") String backend,
        @DefaultValue("ns1.hostplane.invalid.") List<String> nameservers,
        @DefaultValue("hostmaster.hostplane.invalid.") String hostmaster) {}
