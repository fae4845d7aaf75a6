package io.hostplane.worker.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.dns.DnsRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

@Tag("fast")
class RecordContentTest {

    private static final String ZONE = "example.test";

    private static String content(String type, String content, Integer priority) {
        return RecordContent.content(new DnsRecord("id", "x", type, 300, content, priority), ZONE);
    }

    @Test
    void ownerNamesBecomeAbsolute() {
        assertThat(RecordContent.owner("@", ZONE)).isEqualTo("example.test.");
        assertThat(RecordContent.owner("www", ZONE)).isEqualTo("www.example.test.");
        assertThat(RecordContent.owner("_sip._tcp.Shop", ZONE)).isEqualTo("_sip._tcp.shop.example.test.");
        assertThat(RecordContent.owner("www.example.test.", "example.test.")).isEqualTo("www.example.test.");
    }

    @Test
    void targetsBecomeAbsoluteAndPriorityLeads() {
        assertThat(content("CNAME", "www", null)).isEqualTo("www.example.test.");
        assertThat(content("CNAME", "@", null)).isEqualTo("example.test.");
        assertThat(content("NS", "ns.example.net.", null)).isEqualTo("ns.example.net.");
        assertThat(content("MX", "mail", 10)).isEqualTo("10 mail.example.test.");
        assertThat(content("MX", "mail.example.net.", 0)).isEqualTo("0 mail.example.net.");
        assertThat(content("MX", "5 mx", null)).isEqualTo("5 mx.example.test.");
        assertThat(content("SRV", "5 5060 sip", 20)).isEqualTo("20 5 5060 sip.example.test.");
        assertThat(content("SRV", "1 5 5060 sip.example.net.", null)).isEqualTo("1 5 5060 sip.example.net.");
        assertThat(content("A", "192.0.2.1", null)).isEqualTo("192.0.2.1");
    }

    @Test
    void txtIsQuotedAndEscaped() {
        assertThat(content("TXT", "v=spf1 -all", null)).isEqualTo("\"v=spf1 -all\"");
        assertThat(content("TXT", "\"v=spf1 -all\"", null)).isEqualTo("\"v=spf1 -all\"");
        assertThat(content("TXT", "\"a\" \"b c\"", null)).isEqualTo("\"a\" \"b c\"");
        assertThat(content("TXT", "say \"hi\" \\o/", null)).isEqualTo("\"say \\\"hi\\\" \\\\o/\"");
        assertThat(content("TXT", "\"say \\\"hi\\\"\"", null)).isEqualTo("\"say \\\"hi\\\"\"");
        assertThat(content("TXT", "caf\u00e9", null)).isEqualTo("\"caf\\195\\169\"");
        assertThat(content("TXT", "\"\"", null)).isEqualTo("\"\"");
    }

    @Test
    void longTxtIsCutIntoStringsOf255BytesThatJoinToTheOriginal() throws Exception {
        String text = "k=rsa; p=" + "x".repeat(600);
        String presentation = content("TXT", text, null);
        TXTRecord parsed = (TXTRecord) Record.fromString(
                Name.fromString("t.example.test."), Type.TXT, DClass.IN, 300, presentation, Name.root);
        assertThat(parsed.getStrings()).hasSize(3);
        assertThat(parsed.getStrings().get(0)).hasSize(255);
        assertThat(parsed.getStrings().get(1)).hasSize(255);
        assertThat(String.join("", parsed.getStrings())).isEqualTo(text);
        // Already-split content that has one over-long string is split again.
        assertThat(content("TXT", "\"" + "y".repeat(256) + "\" \"z\"", null))
                .isEqualTo("\"" + "y".repeat(255) + "\" \"y\" \"z\"");
    }

    @Test
    void caaValuesAreQuoted() {
        assertThat(content("CAA", "0 issue letsencrypt.org", null)).isEqualTo("0 issue \"letsencrypt.org\"");
        assertThat(content("CAA", "0 issue \"letsencrypt.org\"", null)).isEqualTo("0 issue \"letsencrypt.org\"");
    }
}
