package io.hostplane.api.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.ApplyDnsChanges;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class CnameExclusivityTest {

    private static final DnsRecord A = new DnsRecord("a1", "www", "A", 300, "192.0.2.1", null);

    private static ApplyDnsChanges.Change create(String id, String name, String type, String content) {
        return new ApplyDnsChanges.Change("create", id, new DnsRecord(id, name, type, 300, content, null));
    }

    private static List<String> fields(List<DnsRecord> current, ApplyDnsChanges.Change... changes) {
        return CnameExclusivity.check(current, List.of(changes), i -> "changes[" + i + "]").stream()
                .map(FieldError::field)
                .toList();
    }

    @Test
    void aCnameBesideOtherRecordsIsRefusedWhicheverCameFirst() {
        assertThat(fields(List.of(A), create("c1", "www", "CNAME", "host.example.net.")))
                .containsExactly("changes[0]");
        DnsRecord cname = new DnsRecord("c1", "www", "CNAME", 300, "host.example.net.", null);
        assertThat(fields(List.of(cname), create("t1", "www", "TXT", "\"x\""))).containsExactly("changes[0]");
        assertThat(fields(List.of(cname), create("c2", "www", "CNAME", "other.example.net.")))
                .containsExactly("changes[0]");
    }

    @Test
    void aBatchThatDeletesTheOtherRecordsFirstMayAddTheCname() {
        assertThat(fields(
                        List.of(A),
                        new ApplyDnsChanges.Change("delete", "a1", null),
                        create("c1", "www", "CNAME", "host.example.net.")))
                .isEmpty();
        assertThat(fields(
                        List.of(A),
                        new ApplyDnsChanges.Change(
                                "replace", "a1", new DnsRecord("a1", "www", "CNAME", 300, "host.example.net.", null))))
                .isEmpty();
        assertThat(fields(List.of(A), create("b1", "other", "CNAME", "www.example.test.")))
                .isEmpty();
    }
}
