package io.hostplane.api.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Record replace, delete and the atomic batch: accepted as jobs, or refused whole with every item named. */
class DnsChangesApiTest extends ApiIntegrationTest {

    private String existingRecord(String name) {
        String id = UUID.randomUUID().toString();
        sql(
                "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content) values (?::uuid, ?, ?, ?, 'A', 300, '192.0.2.1')",
                id,
                tenant,
                zone,
                name);
        return id;
    }

    private int jobs() throws Exception {
        return count("select count(*) from api.jobs where tenant_id = '" + tenant + "'");
    }

    @Test
    void anInvalidBatchIsRefusedWholeWithEachItemNamed() throws Exception {
        String existing = existingRecord("www");
        String missing = UUID.randomUUID().toString();
        JsonNode refused = json(
                HttpMethod.PATCH,
                "/api/v1/domains/" + zone + "/dns/records",
                allToken,
                "{\"changes\":["
                        + "{\"op\":\"create\",\"record\":{\"name\":\"a\",\"type\":\"A\",\"content\":\"999.1.1.1\"}},"
                        + "{\"op\":\"replace\",\"id\":\"" + missing
                        + "\",\"record\":{\"name\":\"b\",\"type\":\"A\",\"content\":\"192.0.2.2\"}},"
                        + "{\"op\":\"rename\",\"id\":\"" + existing + "\"},"
                        + "{\"op\":\"delete\"},"
                        + "{\"op\":\"replace\",\"id\":\"" + existing
                        + "\",\"record\":{\"name\":\"www\",\"type\":\"A\",\"ttl\":1,\"content\":\"192.0.2.3\"}}"
                        + "]}",
                400);
        assertThat(refused.path("errors").toString())
                .contains(
                        "changes[0].record.content",
                        "changes[1].id",
                        "changes[2].op",
                        "changes[3].id",
                        "changes[4].record.ttl");
        assertThat(jobs()).isZero();
        json(HttpMethod.PATCH, "/api/v1/domains/" + zone + "/dns/records", allToken, "{\"changes\":[]}", 400);
    }

    @Test
    void aTenThousandChangeBatchIsRefusedWithNothingCreated() throws Exception {
        StringBuilder body = new StringBuilder("{\"changes\":[");
        for (int i = 0; i < 10_000; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"op\":\"create\",\"record\":{\"name\":\"n")
                    .append(i)
                    .append("\",\"type\":\"A\",\"content\":\"192.0.2.1\"}}");
        }
        JsonNode refused = json(
                HttpMethod.PATCH,
                "/api/v1/domains/" + zone + "/dns/records",
                allToken,
                body.append("]}").toString(),
                400);
        assertThat(refused.path("message").asString()).contains("1 to 1000 changes");
        assertThat(refused.path("errors").get(0).path("field").asString()).isEqualTo("changes");
        assertThat(jobs()).isZero();
        assertThat(count("select count(*) from api.outbox where payload like '%" + zone + "%'"))
                .isZero();
    }

    @Test
    void aValidBatchIsOneJob() throws Exception {
        String keep = existingRecord("www");
        String drop = existingRecord("old");
        JsonNode job = json(
                        HttpMethod.PATCH,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        "{\"changes\":["
                                + "{\"op\":\"create\",\"record\":{\"name\":\"new\",\"type\":\"TXT\",\"content\":\"\\\"v=1\\\"\"}},"
                                + "{\"op\":\"replace\",\"id\":\"" + keep
                                + "\",\"record\":{\"name\":\"www\",\"type\":\"A\",\"content\":\"192.0.2.20\"}},"
                                + "{\"op\":\"delete\",\"id\":\"" + drop + "\"}"
                                + "]}",
                        202)
                .path("data");
        assertThat(job.path("type").asString()).isEqualTo("dns.batch");
        assertThat(job.path("resource").asString()).isEqualTo("domains/" + zone + "/dns/records");
        assertThat(jobs()).isEqualTo(1);
    }

    @Test
    void oneRecordCanBeReadReplacedAndDeleted() throws Exception {
        String id = existingRecord("www");
        String path = "/api/v1/domains/" + zone + "/dns/records/" + id;
        assertThat(json(HttpMethod.GET, path, allToken, null, 200)
                        .path("data")
                        .path("content")
                        .asString())
                .isEqualTo("192.0.2.1");
        JsonNode replace = json(
                        HttpMethod.PUT,
                        path,
                        allToken,
                        "{\"name\":\"www\",\"type\":\"A\",\"content\":\"192.0.2.30\"}",
                        202)
                .path("data");
        assertThat(replace.path("type").asString()).isEqualTo("dns.record.replace");
        assertThat(replace.path("resource").asString()).endsWith("/dns/records/" + id);
        json(HttpMethod.PUT, path, allToken, "{\"name\":\"www\",\"type\":\"A\",\"content\":\"x\"}", 400);
        assertThat(json(HttpMethod.DELETE, path, allToken, null, 202)
                        .path("data")
                        .path("type")
                        .asString())
                .isEqualTo("dns.record.delete");
        String unknown = "/api/v1/domains/" + zone + "/dns/records/" + UUID.randomUUID();
        json(HttpMethod.GET, unknown, allToken, null, 404);
        json(HttpMethod.DELETE, unknown, allToken, null, 404);
        json(HttpMethod.DELETE, path, token(tenant, "dns.read"), null, 403);
    }

    @Test
    void aCnameMustBeAloneAtItsNameAndNothingIsAcceptedOtherwise() throws Exception {
        String a = UUID.randomUUID().toString();
        sql(
                "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content) "
                        + "values (?::uuid, ?, ?, 'alias', 'A', 300, '192.0.2.1')",
                a,
                tenant,
                zone);
        int before = count("select count(*) from api.jobs where tenant_id = '" + tenant + "'");
        String records = "/api/v1/domains/" + zone + "/dns/records";

        JsonNode single = json(
                HttpMethod.POST,
                records,
                allToken,
                "{\"name\":\"alias\",\"type\":\"CNAME\",\"content\":\"host.example.net.\"}",
                400);
        assertThat(single.path("errors").get(0).path("field").asString()).isEqualTo("type");
        assertThat(single.path("errors").get(0).path("code").asString()).isEqualTo("CNAME_NOT_EXCLUSIVE");
        JsonNode batch = json(
                HttpMethod.PATCH,
                records,
                allToken,
                "{\"changes\":[{\"op\":\"create\",\"record\":{\"name\":\"ok\",\"type\":\"A\",\"content\":\"192.0.2.2\"}},"
                        + "{\"op\":\"create\",\"record\":{\"name\":\"alias\",\"type\":\"CNAME\",\"content\":\"x.example.net.\"}}]}",
                400);
        assertThat(batch.path("errors").get(0).path("field").asString()).isEqualTo("changes[1].record.type");
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(before);

        // Deleting the A first, in the same batch, makes room for the CNAME.
        json(
                HttpMethod.PATCH,
                records,
                allToken,
                "{\"changes\":[{\"op\":\"delete\",\"id\":\"" + a + "\"},"
                        + "{\"op\":\"create\",\"record\":{\"name\":\"alias\",\"type\":\"CNAME\",\"content\":\"x.example.net.\"}}]}",
                202);
    }

    /**
     * A record no path may accept: as a JSON record body ({@code POST}, and item 3 of a {@code PATCH}) refused
     * under {@code field}, and as line 4 of a zone file ({@code zoneLine}, null where a file cannot say it)
     * refused under {@code lines[4]} + {@code lineField} ("" when the line does not even parse).
     */
    record Bad(String record, String field, String zoneLine, String lineField) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String body(String name, String type, Integer priority, String content) {
        return "{\"name\":" + JSON.writeValueAsString(name) + ",\"type\":\"" + type + "\","
                + (priority == null ? "" : "\"priority\":" + priority + ",") + "\"content\":"
                + JSON.writeValueAsString(content) + "}";
    }

    private static List<Bad> badRecords() {
        String label64 = "a".repeat(64);
        String name256 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63));
        String longTxt = ("\"" + "k".repeat(255) + "\" ").repeat(17);
        return List.of(
                new Bad(body("a b", "A", null, "192.0.2.1"), "name", "a b IN A 192.0.2.1", ""),
                new Bad(body("a\u0000b", "A", null, "192.0.2.1"), "name", "a\u0000b IN A 192.0.2.1", ""),
                new Bad(body("x\nevil 60 IN A 6.6.6.6", "A", null, "192.0.2.1"), "name", null, null),
                new Bad(body(label64, "A", null, "192.0.2.1"), "name", label64 + " IN A 192.0.2.1", ""),
                new Bad(body(name256, "A", null, "192.0.2.1"), "name", name256 + " IN A 192.0.2.1", ""),
                new Bad(body("a.*", "A", null, "192.0.2.1"), "name", "a.* IN A 192.0.2.1", ".name"),
                new Bad(body("_x", "A", null, "192.0.2.1"), "name", "_x IN A 192.0.2.1", ".name"),
                new Bad(body("@", "CNAME", null, "x.example.net."), "name", "@ IN CNAME x.example.net.", ".name"),
                new Bad(body("*", "NS", null, "ns1.example.net."), "name", "* IN NS ns1.example.net.", ".name"),
                new Bad(
                        body("sip", "SRV", 10, "5 5060 sip.example.net."),
                        "name",
                        "sip IN SRV 10 5 5060 sip.example.net.",
                        ".name"),
                new Bad(body("a", "A", null, "192.0.2.01"), "content", "a IN A 192.0.2.01", ""),
                new Bad(body("a", "AAAA", null, "2001:db8::g"), "content", "a IN AAAA 2001:db8::g", ""),
                new Bad(body("c", "CNAME", null, "192.0.2.1"), "content", "c IN CNAME 192.0.2.1", ".content"),
                new Bad(body("c", "CNAME", null, "*.example.net."), "content", "c IN CNAME *.example.net.", ".content"),
                new Bad(body("p", "PTR", null, "-x.example.net."), "content", "p IN PTR -x.example.net.", ".content"),
                new Bad(
                        body("sub", "NS", null, "_ns.example.net."),
                        "content",
                        "sub IN NS _ns.example.net.",
                        ".content"),
                new Bad(body("m", "MX", 10, "2001:db8::25"), "content", null, null),
                new Bad(body("m", "MX", 10, "."), "priority", "m IN MX 10 .", ".priority"),
                new Bad(body("m", "MX", 70000, "mail.example.net."), "priority", "m IN MX 70000 mail.example.net.", ""),
                new Bad(
                        body("_sip._tcp", "SRV", 10, "5 70000 sip.example.net."),
                        "content",
                        "_sip._tcp IN SRV 10 5 70000 sip.example.net.",
                        ""),
                new Bad(
                        body("_sip._tcp", "SRV", 10, "5 5060 *.example.net."),
                        "content",
                        "_sip._tcp IN SRV 10 5 5060 *.example.net.",
                        ".content"),
                new Bad(
                        body("@", "CAA", null, "1 issue \"ca.example.net\""),
                        "content",
                        "@ IN CAA 1 issue \"ca.example.net\"",
                        ".content"),
                new Bad(body("@", "CAA", null, "0 foo \"bar\""), "content", "@ IN CAA 0 foo \"bar\"", ".content"),
                new Bad(
                        body("@", "CAA", null, "0 iodef \"ftp://x.example.net/\""),
                        "content",
                        "@ IN CAA 0 iodef \"ftp://x.example.net/\"",
                        ".content"),
                new Bad(body("t", "TXT", null, "line one\nline two"), "content", "t IN TXT \"one\u0001two\"", ""),
                new Bad(
                        body("t", "TXT", null, "\"" + "q".repeat(300) + "\""),
                        "content",
                        "t IN TXT \"" + "q".repeat(300) + "\"",
                        ""),
                new Bad(body("t", "TXT", null, "k".repeat(70_000)), "content", "t IN TXT " + longTxt, ".content"),
                new Bad(body("s", "SPF", null, "v=spf1 -all"), "type", "s IN SPF \"v=spf1 -all\"", ""),
                new Bad(
                        body("w", "A", null, "192.0.2.1").replace("\"w\"", "\"www.other.test.\""),
                        "name",
                        "www.other.test. IN A 192.0.2.1",
                        ".name"));
    }

    @Test
    void theSameBadRecordsAreRefusedByACreateABatchAndAZoneFileAndNoJobIsMade() throws Exception {
        String records = "/api/v1/domains/" + zone + "/dns/records";
        String good = "{\"op\":\"create\",\"record\":" + body("ok", "A", null, "192.0.2.10") + "}";
        String zoneFile = "ok1 IN A 192.0.2.11\nok2 IN TXT \"fine\"\nok3 IN MX 10 mail.example.net.\n";
        List<String> wrong = new ArrayList<>();
        for (Bad bad : badRecords()) {
            JsonNode single = json(HttpMethod.POST, records, allToken, bad.record(), 400);
            if (!fields(single).equals(List.of(bad.field()))) {
                wrong.add("POST " + bad + " → " + fields(single));
            }

            JsonNode batch = json(
                    HttpMethod.PATCH,
                    records,
                    allToken,
                    "{\"changes\":[" + good + "," + good + "," + good + ",{\"op\":\"create\",\"record\":" + bad.record()
                            + "}]}",
                    400);
            if (!fields(batch).equals(List.of("changes[3].record." + bad.field()))) {
                wrong.add("PATCH " + bad + " → " + fields(batch));
            }

            if (bad.zoneLine() != null) {
                JsonNode file = http.put()
                        .uri("/api/v1/domains/" + zone + "/dns/zonefile")
                        .header("Authorization", "Bearer " + allToken)
                        .contentType(MediaType.parseMediaType("text/dns"))
                        .bodyValue(zoneFile + bad.zoneLine() + "\n")
                        .exchange()
                        .expectStatus()
                        .isEqualTo(400)
                        .expectBody(JsonNode.class)
                        .returnResult()
                        .getResponseBody();
                if (!fields(file).equals(List.of("lines[4]" + bad.lineField()))) {
                    wrong.add("zone file " + bad.zoneLine() + " → " + fields(file));
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(jobs()).isZero();
        assertThat(count("select count(*) from api.outbox where payload like '%" + zone + "%'"))
                .isZero();
    }

    private static List<String> fields(JsonNode refused) {
        List<String> fields = new ArrayList<>();
        refused.path("errors").forEach(e -> fields.add(e.path("field").asString()));
        return fields;
    }
}
