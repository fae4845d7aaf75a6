package io.hostplane.worker.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.embedded.PowerDnsServer;
import io.hostplane.embedded.TestInfrastructure;
import io.hostplane.worker.system.JobFailure;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The {@code powerdns} backend against a real PowerDNS Authoritative, changed through its HTTP API. */
class PowerDnsBackendTest extends ServedDnsBackendContract {

    @RegisterExtension
    static final PowerDnsPerClass pdns = new PowerDnsPerClass();

    @Autowired
    DnsRecordStore store;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        powerDnsWorker(registry, pdns::server);
    }

    /** The worker on the test infrastructure with the {@code powerdns} backend pointed at {@code server}. */
    static void powerDnsWorker(DynamicPropertyRegistry registry, Supplier<PowerDnsServer> server) {
        TestInfrastructure.register(registry);
        registry.add("hostplane.dns.backend", () -> "powerdns");
        registry.add("hostplane.dns.powerdns.url", () -> server.get().apiUrl());
        registry.add("hostplane.dns.powerdns.api-key", () -> server.get().apiKey());
        registry.add("hostplane.dns.nameservers", () -> "ns1.hostplane.invalid.,ns2.hostplane.invalid.");
        registry.add("hostplane.dns.powerdns.timeout", () -> "3s");
    }

    @Override
    PowerDnsServer server() {
        return pdns.server();
    }

    @Override
    void prepareZone(String zone) {
        // The backend creates zones itself.
    }

    @Override
    List<String> ownNameservers(String zone) {
        return List.of("ns1.hostplane.invalid.", "ns2.hostplane.invalid.");
    }

    @Test
    void theZonesSoaNamesTheFirstNameserverAndTheHostmaster() {
        assertThat(dns.answers(zone + ".", Type.SOA))
                .singleElement()
                .asString()
                .startsWith("ns1.hostplane.invalid. hostmaster.hostplane.invalid. ");
    }

    @Test
    void creatingAZoneAgainChangesNothing() {
        backend.createRecord(zone, record("www", "A", "192.0.2.100"));
        backend.createZone(tenant, zone);
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.100");
    }

    @Test
    void contentPowerDnsRejectsFailsTheJobAndKeepsNothing() {
        backend.createRecord(zone, record("www", "A", "192.0.2.110"));
        // A CNAME cannot share its name with other data: the worker refuses it before PowerDNS is asked.
        assertThatThrownBy(() -> backend.createRecord(zone, record("www", "CNAME", "other.example.net.")))
                .isInstanceOf(JobFailure.class)
                .extracting(e -> ((JobFailure) e).code())
                .isEqualTo("CNAME_NOT_EXCLUSIVE");
        // Content only PowerDNS judges: it answers 422.
        assertThatThrownBy(() -> backend.createRecord(zone, record("bad", "A", "not-an-address")))
                .isInstanceOf(JobFailure.class)
                .satisfies(e -> {
                    assertThat(((JobFailure) e).code()).isEqualTo(ErrorCodes.DNS_REJECTED);
                    assertThat(e.getMessage()).contains("422").contains("bad." + zone);
                });
        assertThat(stored(zone)).isEqualTo(1);
        assertThat(dns.answers(fqdn("www"), Type.A)).containsExactly("192.0.2.110");
        assertThat(dns.rcode(fqdn("bad"), Type.A)).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void aDeletedZoneIsNoLongerServedAndDeletingItAgainIsDone() {
        backend.createRecord(zone, record("www", "A", "192.0.2.120"));
        backend.deleteZone(zone);
        assertThat(dns.rcode(zone + ".", Type.SOA)).isEqualTo(Rcode.REFUSED);
        assertThat(stored(zone)).isZero();
        backend.deleteZone(zone);
    }

    @Test
    void concurrentChangesToDifferentZonesAreNotRefusedBySqlitesSingleWriter() throws Exception {
        List<String> zones = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String z = newZoneName();
            backend.createZone(tenant, z);
            zones.add(z);
        }
        var pool = java.util.concurrent.Executors.newFixedThreadPool(zones.size());
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (String z : zones) {
                done.add(pool.submit(() -> {
                    for (int j = 0; j < 10; j++) {
                        backend.createRecord(z, record("c" + j, "A", "192.0.2." + (j + 1)));
                    }
                    return null;
                }));
            }
            // A PATCH that PowerDNS refused ("database is locked") surfaces here as a transient failure.
            for (var f : done) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (String z : zones) {
            assertThat(dns.answers("c9." + z + ".", Type.A)).containsExactly("192.0.2.10");
        }
    }

    @Test
    void aWrongApiKeyFailsTheJobWithoutShowingAnyKey() {
        String wrong = PowerDnsServer.randomBase64(24);
        PowerDnsBackend misconfigured = new PowerDnsBackend(
                store,
                new DnsProperties("powerdns", List.of("ns1.hostplane.invalid."), "hostmaster.hostplane.invalid."),
                new PowerDnsProperties(pdns.server().apiUrl(), wrong, "localhost", Duration.ofSeconds(3), true));
        assertThatThrownBy(() -> misconfigured.createZone(tenant, newZoneName()))
                .isInstanceOf(JobFailure.class)
                .satisfies(e -> {
                    assertThat(((JobFailure) e).code()).isEqualTo(ErrorCodes.BACKEND_ERROR);
                    assertThat(e.getMessage())
                            .contains("401")
                            .doesNotContain(wrong)
                            .doesNotContain(pdns.server().apiKey());
                });
    }
}
