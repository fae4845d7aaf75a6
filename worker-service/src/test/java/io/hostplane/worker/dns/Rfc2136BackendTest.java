package io.hostplane.worker.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.embedded.PowerDnsServer;
import io.hostplane.embedded.TestInfrastructure;
import io.hostplane.worker.system.JobFailure;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.xbill.DNS.Type;

/**
 * The {@code rfc2136} backend against a real PowerDNS Authoritative that takes TSIG-signed dynamic updates;
 * zones are made on the server first, as an operator (or a catalog zone) would.
 */
class Rfc2136BackendTest extends ServedDnsBackendContract {

    static final String KEY = "hostplane-test";

    @RegisterExtension
    static final PowerDnsPerClass pdns = new PowerDnsPerClass();

    static String secret;

    @Autowired
    DnsRecordStore store;

    @BeforeAll
    static void startPowerDns() {
        secret = PowerDnsServer.randomBase64(32);
        pdns.server().addTsigKey(KEY, "hmac-sha256", secret);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
        registry.add("hostplane.dns.backend", () -> "rfc2136");
        registry.add(
                "hostplane.dns.rfc2136.server",
                () -> "127.0.0.1:" + pdns.server().dnsPort());
        registry.add("hostplane.dns.rfc2136.tsig-key-name", () -> KEY);
        registry.add("hostplane.dns.rfc2136.tsig-secret", () -> secret);
        registry.add("hostplane.dns.rfc2136.timeout", () -> "3s");
    }

    @Override
    PowerDnsServer server() {
        return pdns.server();
    }

    @Override
    void prepareZone(String zone) {
        pdns.server().createZone(zone, KEY);
    }

    @Override
    List<String> ownNameservers(String zone) {
        return List.of("ns1." + zone + ".");
    }

    @Test
    void aZoneTheServerDoesNotServeFailsWithZoneNotFoundAndIsNotRecorded() {
        String missing = newZoneName();
        assertThatThrownBy(() -> backend.createZone(tenant, missing))
                .isInstanceOf(JobFailure.class)
                .satisfies(e -> {
                    assertThat(((JobFailure) e).code()).isEqualTo(ErrorCodes.ZONE_NOT_FOUND);
                    assertThat(e.getMessage()).contains(missing).contains("catalog zone");
                });
        assertThat(jdbc.queryForObject(
                        "select count(*) from worker.local_zones where zone = ?", Integer.class, missing))
                .isZero();
    }

    /** PowerDNS answers a bad signature with REFUSED (BIND would say NOTAUTH); either fails the job at once. */
    @Test
    void anUpdateSignedWithAnotherSecretIsRefusedAndNothingIsKept() {
        String wrong = PowerDnsServer.randomBase64(32);
        Rfc2136Backend misconfigured = new Rfc2136Backend(
                store,
                new Rfc2136Properties(
                        "127.0.0.1:" + pdns.server().dnsPort(), KEY, wrong, "hmac-sha256", Duration.ofSeconds(3)));
        assertThatThrownBy(() -> misconfigured.createRecord(zone, record("www", "A", "192.0.2.130")))
                .isInstanceOf(JobFailure.class)
                .satisfies(e -> {
                    assertThat(((JobFailure) e).code()).isEqualTo("DNS_UPDATE_REFUSED");
                    assertThat(e.getMessage())
                            .contains(KEY)
                            .doesNotContain(wrong)
                            .doesNotContain(secret);
                });
        assertThat(stored(zone)).isZero();
        assertThat(dns.answers(fqdn("www"), Type.A)).isEmpty();
    }

    @Test
    void deletingAZoneForgetsItsRecordsButLeavesTheServersZone() {
        backend.createRecord(zone, record("www", "A", "192.0.2.140"));
        backend.deleteZone(zone);
        assertThat(stored(zone)).isZero();
        assertThat(dns.answers(zone + ".", Type.SOA)).hasSize(1);
    }
}
