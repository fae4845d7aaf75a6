package io.hostplane.worker.dns;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code hostplane.dns.powerdns.requests{method="PATCH"}}: the changes sent to PowerDNS, one per job or one per
 * coalesced group of jobs; beside the count of DNS jobs it shows how much coalescing saves.
 */
@Component
@ConditionalOnProperty(name = "hostplane.dns.backend", havingValue = "powerdns")
class PowerDnsMetrics {

    PowerDnsMetrics(PowerDnsBackend backend, MeterRegistry registry) {
        FunctionCounter.builder("hostplane.dns.powerdns.requests", backend, PowerDnsBackend::patchesSent)
                .tag("method", "PATCH")
                .description("PATCH requests sent to PowerDNS's API, answered or not")
                .register(registry);
    }
}
