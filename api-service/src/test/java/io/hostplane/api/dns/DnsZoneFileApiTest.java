package io.hostplane.api.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Zone files: export of the applied records, import as one atomic batch job with per-line errors. */
class DnsZoneFileApiTest extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private String applied(String name, String type, int ttl, String content, Integer priority) {
        String id = UUID.randomUUID().toString();
        sql(
                "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content, priority) "
                        + "values (?::uuid, ?, ?, ?, ?, ?, ?, ?)",
                id,
                tenant,
                zone,
                name,
                type,
                ttl,
                content,
                priority);
        return id;
    }

    @Test
    void theAppliedRecordsAreExportedAsAMasterFile() {
        applied("www", "A", 300, "192.0.2.1", null);
        applied("@", "MX", 3600, "mail." + zone + ".", 10);
        applied("txt", "TXT", 300, "\"v=spf1 -all\"", null);

        var response = http.get()
                .uri("/api/v1/domains/" + zone + "/dns/zonefile")
                .header("Authorization", "Bearer " + allToken)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.parseMediaType("text/dns"))
                .expectBody(String.class)
                .returnResult();
        String file = response.getResponseBody();
        assertThat(file).contains("$ORIGIN " + zone + ".");
        assertThat(file.lines().filter(l -> !l.startsWith(";") && !l.startsWith("$")))
                .map(l -> l.replaceAll("\\s+", " "))
                .containsExactlyInAnyOrder(
                        "www." + zone + ". 300 IN A 192.0.2.1",
                        zone + ". 3600 IN MX 10 mail." + zone + ".",
                        "txt." + zone + ". 300 IN TXT \"v=spf1 -all\"");
    }

    @Test
    void anImportBecomesOneBatchJobThatMakesTheFileTheZone() throws Exception {
        String keep = applied("www", "A", 300, "192.0.2.1", null);
        String gone = applied("old", "A", 300, "192.0.2.9", null);
        String file = String.join(
                "\n",
                "$TTL 600",
                "@ IN SOA ns1.other.test. hostmaster.other.test. 1 7200 3600 1209600 300",
                "www 300 IN A 192.0.2.1",
                "api IN AAAA 2001:db8::5",
                "@ IN TXT \"v=spf1 -all\"");

        JsonNode job = put(file, 202);
        assertThat(job.path("data").path("type").asString()).isEqualTo("dns.batch");
        assertThat(job.path("data").path("resource").asString()).isEqualTo("domains/" + zone + "/dns/zonefile");

        JsonNode changes = JSON.readTree(
                        awaitCommand(job.path("data").path("id").asString()).value())
                .path("data")
                .path("changes");
        List<String> ops = new ArrayList<>();
        changes.forEach(c -> ops.add(c.path("op").asString() + " "
                + (c.path("op").asString().equals("delete")
                        ? c.path("id").asString()
                        : c.path("record").path("name").asString() + " "
                                + c.path("record").path("type").asString() + " "
                                + c.path("record").path("ttl").asInt())));
        assertThat(ops).containsExactly("delete " + gone, "create api AAAA 600", "create @ TXT 600");
        assertThat(ops).noneMatch(op -> op.contains(keep));
    }

    @Test
    void aFileWithBadLinesIsRefusedLineByLineAndNothingIsAccepted() throws Exception {
        int jobsBefore = count("select count(*) from api.jobs where tenant_id = '" + tenant + "'");
        String file = String.join(
                "\n",
                "www IN A 192.0.2.1",
                "bad IN A 999.1.1.1",
                "host.other.test. IN A 192.0.2.2",
                "alias IN CNAME www",
                "alias IN A 192.0.2.3",
                "hw IN HINFO \"PC\" \"Linux\"");

        JsonNode refused = put(file, 400);
        List<String> fields = new ArrayList<>();
        refused.path("errors")
                .forEach(e -> fields.add(
                        e.path("field").asString() + " " + e.path("code").asString()));
        assertThat(fields)
                .containsExactlyInAnyOrder(
                        "lines[2] INVALID",
                        "lines[6] UNSUPPORTED",
                        "lines[3].name NOT_IN_ZONE",
                        "lines[5].type CNAME_NOT_EXCLUSIVE");
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(jobsBefore);
    }

    @Test
    void aZoneFileIsTextDnsOrTextPlainAndAnyOtherTypeIs415InTheEnvelope() throws Exception {
        int jobsBefore = count("select count(*) from api.jobs where tenant_id = '" + tenant + "'");
        String file = "www IN A 192.0.2.1\n";
        for (String type :
                new String[] {"application/json", "application/octet-stream", "text/html", "multipart/form-data"}) {
            JsonNode refused = http.put()
                    .uri("/api/v1/domains/" + zone + "/dns/zonefile")
                    .header("Authorization", "Bearer " + allToken)
                    .header("Content-Type", type)
                    .bodyValue(type.equals("application/json") ? JSON.writeValueAsString(file) : file)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(415)
                    .expectHeader()
                    .exists("X-Request-Id")
                    .expectHeader()
                    .valueMatches("Accept", ".*text/dns.*")
                    .expectBody(JsonNode.class)
                    .returnResult()
                    .getResponseBody();
            assertThat(refused.path("success").asBoolean(true)).as(type).isFalse();
            assertThat(refused.path("message").asString()).as(type).contains(type);
        }
        // A body without a Content-Type is not a zone file either (WebTestClient would name one: plain HTTP here).
        HttpResponse<String> untyped = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + env.getProperty("local.server.port")
                                        + "/api/v1/domains/" + zone + "/dns/zonefile"))
                                .header("Authorization", "Bearer " + allToken)
                                .PUT(HttpRequest.BodyPublishers.ofString(file))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(untyped.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(untyped.body()).path("status").asInt()).isEqualTo(415);
        assertThat(untyped.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "'"))
                .isEqualTo(jobsBefore);

        JsonNode plain = http.put()
                .uri("/api/v1/domains/" + zone + "/dns/zonefile")
                .header("Authorization", "Bearer " + allToken)
                .header("Content-Type", "text/plain; charset=utf-8")
                .bodyValue(file)
                .exchange()
                .expectStatus()
                .isEqualTo(202)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(plain.path("data").path("type").asString()).isEqualTo("dns.batch");
    }

    @Test
    void anotherTenantsZoneIsNotFound() {
        String other = token(
                accounts.create("other-" + UUID.randomUUID().toString().substring(0, 8))
                        .block()
                        .id(),
                "*");
        exchange(HttpMethod.GET, "/api/v1/domains/" + zone + "/dns/zonefile", other, null, 404);
    }

    private JsonNode put(String file, int status) {
        return http.put()
                .uri("/api/v1/domains/" + zone + "/dns/zonefile")
                .header("Authorization", "Bearer " + allToken)
                .contentType(MediaType.parseMediaType("text/dns"))
                .bodyValue(file)
                .exchange()
                .expectStatus()
                .isEqualTo(status)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
    }
}
