package io.hostplane.worker.dns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class DnsWarningsTest {

    @Test
    void targetsAreReadFromTheContentOfEachType() {
        assertThat(DnsWarnings.targetOf("MX", "mail.example.test.")).isEqualTo("mail.example.test.");
        assertThat(DnsWarnings.targetOf("SRV", "10 5060 sip.example.test.")).isEqualTo("sip.example.test.");
        assertThat(DnsWarnings.targetOf("CNAME", "www.example.test.")).isEqualTo("www.example.test.");
    }

    @Test
    void onlyTargetsInsideTheZoneAreLookedFor() {
        assertThat(DnsWarnings.relativeTarget("mail.example.test.", "example.test"))
                .isEqualTo("mail");
        assertThat(DnsWarnings.relativeTarget("Example.Test.", "example.test")).isEqualTo("@");
        assertThat(DnsWarnings.relativeTarget("mail.other.test.", "example.test"))
                .isNull();
        assertThat(DnsWarnings.relativeTarget("badexample.test.", "example.test"))
                .isNull();
    }

    @Test
    void wildcardsAndTheNamesBesideThem() {
        assertThat(DnsWarnings.wildcardBeside("www")).isEqualTo("*");
        assertThat(DnsWarnings.wildcardBeside("a.sub")).isEqualTo("*.sub");
        assertThat(DnsWarnings.parentOf("*")).isEqualTo("@");
        assertThat(DnsWarnings.parentOf("*.sub")).isEqualTo("sub");
    }
}
