package io.hostplane.api.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.ApplyDnsChanges;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ZoneFilesTest {

    private final DnsRecordValidator validator =
            new DnsRecordValidator(new DnsProperties(60, 86400, 3600, java.time.Duration.ofSeconds(2)));

    @Test
    void aMasterFileIsReadLineByLineWithDirectivesParenthesesAndComments() {
        String file = String.join(
                "\n",
                "$ORIGIN example.test.",
                "$TTL 600",
                "@   IN SOA ns1.example.test. hostmaster.example.test. ( 1 7200 3600",
                "        1209600 300 ) ; managed by the DNS service",
                "@   IN NS  ns1.other.test.",
                "www 300 IN A 192.0.2.1",
                "    IN AAAA 2001:db8::1 ; same owner as the line above",
                "txt IN TXT \"v=spf1; -all\" ; a ; inside quotes is text",
                "@   IN MX 10 mail",
                "_sip._tcp IN SRV 5 10 5060 sip.example.test.",
                "sub IN NS ns.sub.example.test.");
        ZoneFiles.Parsed parsed = ZoneFiles.parse("example.test", file, 3600);

        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.skipped()).isEqualTo(2); // SOA and the apex NS
        assertThat(parsed.records()).extracting(ZoneFiles.Line::number).containsExactly(6, 7, 8, 9, 10, 11);
        List<DnsRecord> records = parsed.records().stream()
                .map(line -> validator.validate("example.test", line.body(), "").record())
                .toList();
        assertThat(records)
                .extracting(r -> r.name() + " " + r.ttl() + " " + r.type() + " " + r.priority() + " " + r.content())
                .containsExactly(
                        "www 300 A null 192.0.2.1",
                        "www 600 AAAA null 2001:db8::1",
                        "txt 600 TXT null \"v=spf1; -all\"",
                        "@ 600 MX 10 mail.example.test.",
                        "_sip._tcp 600 SRV 5 10 5060 sip.example.test.",
                        "sub 600 NS null ns.sub.example.test.");
    }

    @Test
    void everyBadLineIsReportedWithItsNumber() {
        String file = String.join(
                "\n",
                "www IN A 192.0.2.1",
                "bad IN A not-an-address",
                "hw IN HINFO \"PC\" \"Linux\"",
                "$INCLUDE other.zone",
                "ok IN TXT \"fine\"",
                "nul\u0000 IN A 192.0.2.2",
                "cr IN TXT \"a\rb\"",
                "ptr IN PTR host.example.test.",
                "open IN TXT ( \"never closed\"");
        ZoneFiles.Parsed parsed = ZoneFiles.parse("example.test", file, 3600);

        assertThat(parsed.errors())
                .extracting(FieldError::field)
                .containsExactly("lines[2]", "lines[3]", "lines[4]", "lines[6]", "lines[7]", "lines[9]");
        assertThat(parsed.errors())
                .extracting(FieldError::code)
                .containsExactly("INVALID", "UNSUPPORTED", "UNSUPPORTED", "INVALID", "INVALID", "INVALID");
        assertThat(parsed.records()).extracting(ZoneFiles.Line::number).containsExactly(1, 5, 8);
    }

    @Test
    void anExportReadsBackAsTheSameRecords() {
        List<DnsRecord> records = List.of(
                new DnsRecord("1", "@", "MX", 300, "mail.example.test.", 10),
                new DnsRecord("2", "www", "A", 300, "192.0.2.1", null),
                new DnsRecord("3", "txt", "TXT", 300, "\"a b\" \"c\"", null),
                new DnsRecord("4", "_sip._tcp", "SRV", 300, "10 5060 sip.example.test.", 5),
                new DnsRecord("5", "@", "CAA", 300, "0 issue \"ca.example.net\"", null));
        String file = ZoneFiles.export("example.test", records, Instant.parse("2026-11-25T00:00:00Z"));

        ZoneFiles.Parsed parsed = ZoneFiles.parse("example.test", file, 3600);
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.records().stream()
                        .map(line -> validator
                                .validate("example.test", line.body(), "")
                                .record())
                        .map(r -> new DnsRecord(null, r.name(), r.type(), r.ttl(), r.content(), r.priority()))
                        .toList())
                .containsExactlyElementsOf(records.stream()
                        .map(r -> new DnsRecord(null, r.name(), r.type(), r.ttl(), r.content(), r.priority()))
                        .toList());
    }

    @Test
    void anImportKeepsWhatIsThereCreatesWhatIsNewAndDeletesTheRest() {
        List<DnsRecord> current = List.of(
                new DnsRecord("keep", "www", "A", 300, "192.0.2.1", null),
                new DnsRecord("ttl", "api", "A", 300, "192.0.2.2", null),
                new DnsRecord("gone", "old", "A", 300, "192.0.2.3", null));
        List<DnsRecord> wanted = List.of(
                new DnsRecord(null, "www", "A", 300, "192.0.2.1", null),
                new DnsRecord(null, "api", "A", 60, "192.0.2.2", null),
                new DnsRecord(null, "new", "A", 300, "192.0.2.4", null));

        List<ApplyDnsChanges.Change> changes = DnsZoneFileController.changes(current, wanted);

        assertThat(changes)
                .extracting(c -> c.op() + " "
                        + (c.op().equals("delete")
                                ? c.id()
                                : c.record().name() + "/" + c.record().ttl()))
                .containsExactly("delete ttl", "delete gone", "create api/60", "create new/300");
        assertThat(changes.stream().filter(c -> c.op().equals("create")))
                .allSatisfy(c -> assertThat(c.id()).isEqualTo(c.record().id()).isNotNull());
    }
}
