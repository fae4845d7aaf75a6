package io.hostplane.api.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.envelope.FieldError;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Tag("fast")
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
        assertThat(DnsRecordContent.compressed("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(DnsRecordContent.compressed("2001:db8:0:1:0:0:0:0")).isEqualTo("2001:db8:0:1::");
        assertThat(DnsRecordContent.compressed("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(DnsRecordContent.compressed("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
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
        assertThat(record("t", "TXT", "k".repeat(DnsRecordContent.MAX_TXT_TOTAL))
                        .errors())
                .isEmpty();
        assertThat(record("t", "TXT", "k".repeat(70_000)).errors())
                .extracting(FieldError::code)
                .containsExactly("TOO_LARGE");
    }

    private DnsRecordValidator.Result record(String name, String type, Integer priority, String content) {
        return check("{\"name\":" + quote(name) + ",\"type\":\"" + type + "\","
                + (priority == null ? "" : "\"priority\":" + priority + ",") + "\"content\":" + quote(content) + "}");
    }

    @Test
    void namesAreAtMost63OctetsALabelAnd255WithTheZone() {
        // example.test. is 14 octets on the wire; labels of 63 (64 with their length octet) fill the rest.
        String to255 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(48));
        assertThat(record(to255, "A", "192.0.2.1").errors()).isEmpty();
        assertThat(record(to255 + ".example.test.", "A", "192.0.2.1").errors()).isEmpty();
        for (String bad : new String[] {to255 + "d", "e." + to255, "a".repeat(64), "a".repeat(64) + ".example.test."}) {
            assertThat(record(bad, "A", "192.0.2.1").errors())
                    .as(bad)
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.field()).isEqualTo("name");
                        assertThat(e.message()).contains("RFC 1035 2.3.4");
                    });
        }
        assertThat(record("a..b", "A", "192.0.2.1").errors())
                .extracting(FieldError::field)
                .containsExactly("name");
    }

    /** Each content is refused for its type, under {@code content} (or {@code priority}), and nothing else. */
    private void refused(String type, Integer priority, String field, String... contents) {
        String name = type.equals("SRV") ? "_sip._tcp" : "host";
        for (String content : contents) {
            assertThat(record(name, type, priority, content).errors())
                    .as(type + " " + content)
                    .extracting(FieldError::field)
                    .containsExactly(field);
        }
    }

    private String accepted(String name, String type, Integer priority, String content) {
        var result = record(name, type, priority, content);
        assertThat(result.errors()).as(type + " " + content).isEmpty();
        return result.record().content();
    }

    @Test
    void aIsADottedQuadWithoutLeadingZeros() {
        assertThat(accepted("host", "A", null, "192.0.2.1")).isEqualTo("192.0.2.1");
        refused(
                "A",
                null,
                "content",
                "192.0.2.01",
                "010.0.0.1",
                "1.2.3",
                "1.2.3.4.5",
                "256.1.1.1",
                "0x1.2.3.4",
                "1.2.3.4/24",
                "192.0.2.1 192.0.2.2",
                "::ffff:192.0.2.1",
                "host.example.net.");
    }

    @Test
    void aaaaIsAnIpv6AddressWrittenInItsShortForm() {
        assertThat(accepted("host", "AAAA", null, "2001:DB8:0::1")).isEqualTo("2001:db8::1");
        assertThat(accepted("host", "AAAA", null, "64:ff9b::192.0.2.1")).isEqualTo("64:ff9b::c000:201");
        refused(
                "AAAA",
                null,
                "content",
                "2001:db8::g",
                "192.0.2.1",
                "2001:db8::1%eth0",
                "[2001:db8::1]",
                "2001:db8:0:0:0:0:0:0:1",
                "2001:db8::1::2",
                "::ffff:192.0.2.1");
    }

    @Test
    void cnameNsAndPtrTargetsAreHostNames() {
        assertThat(accepted("www", "CNAME", null, "Host.Example.NET.")).isEqualTo("host.example.net.");
        assertThat(accepted("www", "CNAME", null, "web")).isEqualTo("web.example.test.");
        assertThat(accepted("_acme-challenge", "CNAME", null, "_acme-challenge.dns.other.test."))
                .isEqualTo("_acme-challenge.dns.other.test.");
        assertThat(accepted("sub", "NS", null, "ns1.example.net.")).isEqualTo("ns1.example.net.");
        assertThat(accepted("10", "PTR", null, "host.example.net.")).isEqualTo("host.example.net.");
        for (String type : new String[] {"CNAME", "NS", "PTR"}) {
            refused(
                    type,
                    null,
                    "content",
                    "192.0.2.1",
                    "192.0.2.1.",
                    "2001:db8::1",
                    "-bad.example.net.",
                    "ex!ample.net.",
                    "a\\032b.example.net.",
                    "*.example.net.",
                    ".",
                    "x..y",
                    "host.example.net. extra");
        }
        refused("NS", null, "content", "_ns.example.net.");
        assertThat(record("www", "CNAME", "www").errors())
                .extracting(FieldError::field)
                .containsExactly("content");
        assertThat(record("*", "NS", "ns1.example.net.").errors())
                .extracting(FieldError::field)
                .containsExactly("name");
    }

    @Test
    void mxIsAPriorityAndAHostNameOrTheNullMx() {
        assertThat(accepted("@", "MX", 10, "Mail.Example.NET.")).isEqualTo("mail.example.net.");
        assertThat(accepted("@", "MX", 0, ".")).isEqualTo(".");
        assertThat(record("@", "MX", 10, ".").errors())
                .extracting(FieldError::field)
                .containsExactly("priority");
        refused("MX", 10, "content", "192.0.2.1", "_mail.example.net.", "*.example.net.", "10 mail.example.net.");
        for (String priority : new String[] {"-1", "65536", "1.5", "\"10\"", "4294967306", "1e30"}) {
            assertThat(check("{\"name\":\"@\",\"type\":\"MX\",\"priority\":" + priority
                                    + ",\"content\":\"mail.example.net.\"}")
                            .errors())
                    .as(priority)
                    .extracting(FieldError::field)
                    .containsExactly("priority");
        }
        assertThat(accepted("@", "MX", 65535, "mail.example.net.")).isEqualTo("mail.example.net.");
    }

    @Test
    void srvIsAtServiceAndProtocolWithWeightPortAndATarget() {
        assertThat(accepted("_sip._tcp", "SRV", 10, "5 5060 SIP.example.net.")).isEqualTo("5 5060 sip.example.net.");
        assertThat(accepted("_sip._tls.eu", "SRV", 0, "0 0 .")).isEqualTo("0 0 .");
        assertThat(accepted("_sip._tcp", "SRV", 65535, "65535 65535 sip")).isEqualTo("65535 65535 sip.example.test.");
        refused(
                "SRV",
                10,
                "content",
                "5 70000 sip.example.net.",
                "70000 5060 sip.example.net.",
                "-1 5060 sip.example.net.",
                "5 5060",
                "5 5060 192.0.2.1",
                "5 5060 _sip.example.net.",
                "5 5060 *.example.net.");
        for (String name : new String[] {"sip", "_sip", "sip._tcp", "_sip.tcp"}) {
            assertThat(record(name, "SRV", 10, "5 5060 sip.example.net.").errors())
                    .as(name)
                    .extracting(FieldError::field)
                    .containsExactly("name");
        }
        assertThat(record("_sip._tcp", "SRV", 70000, "5 5060 sip.example.net.").errors())
                .extracting(FieldError::field)
                .containsExactly("priority");
    }

    @Test
    void caaHasFlags0Or128ATagACaReadsAndAQuotedValueOfItsForm() {
        assertThat(accepted("@", "CAA", null, "0 issue letsencrypt.org")).isEqualTo("0 issue \"letsencrypt.org\"");
        assertThat(accepted("@", "CAA", null, "128 ISSUEWILD \";\"")).isEqualTo("128 issuewild \";\"");
        assertThat(accepted("@", "CAA", null, "0 issue \"ca.example.net; account=230123; policy=ev\""))
                .isEqualTo("0 issue \"ca.example.net; account=230123; policy=ev\"");
        assertThat(accepted("@", "CAA", null, "0 iodef \"mailto:security@example.test\""))
                .isEqualTo("0 iodef \"mailto:security@example.test\"");
        assertThat(accepted("@", "CAA", null, "0 iodef \"https://iodef.example.test/report\""))
                .isEqualTo("0 iodef \"https://iodef.example.test/report\"");
        assertThat(accepted("@", "CAA", null, "0 issuemail \"ca.example.net\""))
                .isEqualTo("0 issuemail \"ca.example.net\"");
        refused(
                "CAA",
                null,
                "content",
                "256 issue \"ca.example.net\"",
                "1 issue \"ca.example.net\"",
                "-1 issue \"ca.example.net\"",
                "0 isue \"ca.example.net\"",
                "0 foo \"bar\"",
                "0 issue",
                "0 issue \"a\" \"b\"",
                "0 issue \"ca.example.net.\"",
                "0 issue \"not a domain\"",
                "0 issue \"ca.example.net; policy\"",
                "0 iodef \"ftp://iodef.example.test/\"",
                "0 iodef \"security@example.test\"",
                "0 iodef \"mailto:nobody\"",
                "0 contactemail \"\"");
    }

    @Test
    void ptrIsSupportedAndSpfIsPublishedAsTxt() {
        assertThat(accepted("1", "PTR", null, "host.example.net.")).isEqualTo("host.example.net.");
        assertThat(record("@", "SPF", "v=spf1 -all").errors())
                .extracting(FieldError::code)
                .containsExactly("UNSUPPORTED");
        assertThat(accepted("@", "TXT", null, "v=spf1 -all")).isEqualTo("\"v=spf1 -all\"");
    }
}
