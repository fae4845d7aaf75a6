package io.hostplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;

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
}
