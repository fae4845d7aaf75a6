package io.hostplane.api.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.envelope.FieldError;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class DnsRecordValidatorTest {

    private final DnsRecordValidator validator =
            new DnsRecordValidator(new DnsProperties(60, 86400, 3600, java.time.Duration.ofSeconds(2)));
    private final JsonMapper json = JsonMapper.builder().build();

    private DnsRecordValidator.Result check(String body) {
        JsonNode node = json.readTree(body);
        return validator.validate("example.test", node, "");
    }

    @Test
    void aValidRecordIsNormalised() {
        var result = check("{\"name\":\"WWW.example.test.\",\"type\":\"a\",\"ttl\":300,\"content\":\"192.0.2.10\"}");
        assertThat(result.errors()).isEmpty();
        assertThat(result.record().name()).isEqualTo("www");
        assertThat(result.record().type()).isEqualTo("A");
        assertThat(result.record().content()).isEqualTo("192.0.2.10");
    }

    @Test
    void theApexIsAtAndRelativeTargetsBecomeAbsolute() {
        var mx = check("{\"name\":\"@\",\"type\":\"MX\",\"priority\":10,\"content\":\"mail\"}");
        assertThat(mx.errors()).isEmpty();
        assertThat(mx.record().name()).isEqualTo("@");
        assertThat(mx.record().content()).isEqualTo("mail.example.test.");
        assertThat(mx.record().ttl()).isEqualTo(3600);
    }

    @Test
    void everyProblemIsReportedUnderItsField() {
        var result = check("{\"type\":\"A\",\"ttl\":999999}");
        assertThat(result.errors()).extracting(FieldError::field).containsExactlyInAnyOrder("name", "ttl", "content");
        assertThat(result.errors()).extracting(FieldError::code).contains("TOO_LARGE", "REQUIRED");
    }

    @Test
    void cnameAtTheApexAndNamesOutsideTheZoneAreRefused() {
        assertThat(check("{\"name\":\"@\",\"type\":\"CNAME\",\"content\":\"other.test.\"}")
                        .errors())
                .extracting(FieldError::field)
                .containsExactly("name");
        assertThat(check("{\"name\":\"www.other.test.\",\"type\":\"A\",\"content\":\"192.0.2.1\"}")
                        .errors())
                .extracting(FieldError::code)
                .containsExactly("NOT_IN_ZONE");
    }

    @Test
    void mxNeedsAPriorityAndAIsRefusedOne() {
        assertThat(check("{\"name\":\"@\",\"type\":\"MX\",\"content\":\"mail\"}")
                        .errors())
                .extracting(FieldError::field)
                .containsExactly("priority");
        assertThat(check("{\"name\":\"@\",\"type\":\"A\",\"priority\":1,\"content\":\"192.0.2.1\"}")
                        .errors())
                .extracting(FieldError::field)
                .containsExactly("priority");
    }

    @Test
    void invalidContentIsRefused() {
        assertThat(check("{\"name\":\"www\",\"type\":\"AAAA\",\"content\":\"192.0.2.1\"}")
                        .errors())
                .extracting(FieldError::field)
                .containsExactly("content");
    }

    @Test
    void aNonObjectBodyIsRefused() {
        assertThat(check("[1,2]").errors()).hasSize(1);
    }

    @Test
    void unquotedTxtIsOneTextCutInto255ByteStrings() {
        var spf = check("{\"name\":\"@\",\"type\":\"TXT\",\"content\":\"v=spf1 include:_spf.example.test -all\"}");
        assertThat(spf.errors()).isEmpty();
        assertThat(spf.record().content()).isEqualTo("\"v=spf1 include:_spf.example.test -all\"");

        String dkim = "v=DKIM1; k=rsa; p=" + "A".repeat(400);
        var long_ = check("{\"name\":\"s1._domainkey\",\"type\":\"TXT\",\"content\":\"" + dkim + "\"}");
        assertThat(long_.errors()).isEmpty();
        assertThat(long_.record().content())
                .isEqualTo("\"" + dkim.substring(0, 255) + "\" \"" + dkim.substring(255) + "\"");

        var quoted = check("{\"name\":\"q\",\"type\":\"TXT\",\"content\":\"\\\"a b\\\" \\\"c\\\"\"}");
        assertThat(quoted.errors()).isEmpty();
        assertThat(quoted.record().content()).isEqualTo("\"a b\" \"c\"");
    }

    @Test
    void aaaaContentIsWrittenInItsShortForm() {
        var aaaa = check("{\"name\":\"v6\",\"type\":\"AAAA\",\"content\":\"2001:0DB8:0:0:0:0:0:0010\"}");
        assertThat(aaaa.errors()).isEmpty();
        assertThat(aaaa.record().content()).isEqualTo("2001:db8::10");
        assertThat(DnsRecordValidator.compressed("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(DnsRecordValidator.compressed("2001:db8:0:1:0:0:0:0")).isEqualTo("2001:db8:0:1::");
        assertThat(DnsRecordValidator.compressed("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(DnsRecordValidator.compressed("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
    }

    /** A JSON string literal of {@code text} (quotes and control characters escaped). */
    private String quote(String text) {
        return json.writeValueAsString(text);
    }

    private DnsRecordValidator.Result record(String name, String type, String content) {
        return check("{\"name\":" + quote(name) + ",\"type\":\"" + type + "\",\"content\":" + quote(content) + "}");
    }

    @Test
    void ownerNamesFollowTheHostnameRules() {
        for (String bad : new String[] {
            "a b",
            "a\u0000b",
            "x\nevil 60 IN A 6.6.6.6",
            "tab\there",
            "a\\032b",
            "-lead",
            "trail-",
            "a!b",
            "a.*",
            "x" + "a".repeat(63),
            "a.".repeat(130) + "b"
        }) {
            assertThat(record(bad, "A", "192.0.2.1").errors())
                    .as(bad)
                    .extracting(FieldError::field)
                    .containsExactly("name");
        }
        assertThat(record("_dmarc", "A", "192.0.2.1").errors())
                .extracting(FieldError::field)
                .containsExactly("name");
        for (String good :
                new String[] {"www", "*", "*.dev", "a-b.c1", "xn--bcher-kva", "bücher", "@", "a".repeat(63)}) {
            assertThat(record(good, "A", "192.0.2.1").errors()).as(good).isEmpty();
        }
        assertThat(record("_dmarc", "TXT", "v=DMARC1; p=none").errors()).isEmpty();
        assertThat(record("_sip._tcp", "SRV", "5 5060 sip.example.test.").errors())
                .extracting(FieldError::field)
                .containsExactly("priority");
        assertThat(record("_acme-challenge", "CNAME", "acme.other.test.").errors())
                .isEmpty();
    }

    @Test
    void contentWithControlCharactersIsRefused() {
        assertThat(record("t", "TXT", "line one\nline two").errors())
                .extracting(FieldError::field)
                .containsExactly("content");
        assertThat(record("t", "TXT", "nul\u0000").errors())
                .extracting(FieldError::field)
                .containsExactly("content");
        assertThat(record("m", "CNAME", "target.test.\r\nevil").errors())
                .extracting(FieldError::field)
                .containsExactly("content");
    }

    @Test
    void txtStringsAreAtMost255OctetsAndARecordAtMost4096() {
        var unquoted = record("t", "TXT", "k".repeat(300));
        assertThat(unquoted.errors()).isEmpty();
        assertThat(unquoted.record().content()).isEqualTo("\"" + "k".repeat(255) + "\" \"" + "k".repeat(45) + "\"");
        assertThat(record("t", "TXT", "\"" + "q".repeat(300) + "\"").errors())
                .extracting(FieldError::field)
                .containsExactly("content");
        assertThat(record("t", "TXT", "k".repeat(DnsRecordValidator.MAX_TXT_TOTAL))
                        .errors())
                .isEmpty();
        assertThat(record("t", "TXT", "k".repeat(70_000)).errors())
                .extracting(FieldError::code)
                .containsExactly("TOO_LARGE");
    }
}
