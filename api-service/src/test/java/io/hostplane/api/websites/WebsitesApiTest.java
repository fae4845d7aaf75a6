package io.hostplane.api.websites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 24, the API's side of websites: checks before any job, the command the worker gets (names, the pinned
 * upstream address, the warnings), the status following the last change's job, names held once across websites,
 * domains in use, and tokens limited to some domains. The worker's side (nginx) is tested in worker-service.
 */
class WebsitesApiTest extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Test
    void aStaticWebsiteIsAJobWhoseCommandCarriesItsNamesAndWarningsAndItsStatusFollowsTheJob() throws Exception {
        JsonNode job = json(
                        HttpMethod.POST,
                        "/api/v1/websites",
                        allToken,
                        "{\"domain\":\"" + zone.toUpperCase() + "\",\"aliases\":[\"www." + zone + "\"],"
                                + "\"kind\":\"static\"}",
                        202)
                .path("data");
        assertThat(job.path("type").asString()).isEqualTo("website.apply");
        String websiteId = job.path("resource").asString().replace("websites/", "");

        // The command: the whole website, normalised, with what the API found (no address records, no certificate).
        var command = awaitCommand(job.path("id").asString());
        assertThat(command.key()).isEqualTo(tenant + "/site/" + zone);
        JsonNode data = JSON.readTree(command.value()).path("data");
        assertThat(data.path("website_id").asString()).isEqualTo(websiteId);
        assertThat(data.path("domain").asString()).isEqualTo(zone);
        assertThat(data.path("aliases").toString()).isEqualTo("[\"www." + zone + "\"]");
        assertThat(data.path("kind").asString()).isEqualTo("static");
        assertThat(data.path("https").asString()).isEqualTo("auto");
        assertThat(codes(data.path("warnings")))
                .containsExactlyInAnyOrder("NO_ADDRESS_RECORD", "NO_ADDRESS_RECORD", "NO_CERTIFICATE");

        JsonNode pending = website(websiteId);
        assertThat(pending.path("status").asString()).isEqualTo("pending");
        assertThat(pending.path("job_id").asString()).isEqualTo(job.path("id").asString());
        succeed(job.path("id").asString(), "website.apply", websiteId);
        awaitStatus(websiteId, "active");
        JsonNode listed =
                json(HttpMethod.GET, "/api/v1/websites", allToken, null, 200).path("data");
        assertThat(listed.path("items").get(0).path("id").asString()).isEqualTo(websiteId);

        // An address record for the domain: that warning is gone from the next change.
        sql(
                "insert into api.dns_records (id, tenant_id, zone, name, type, ttl, content) values (?, ?, ?, '@', 'A',"
                        + " 300, '192.0.2.1')",
                UUID.randomUUID(),
                tenant,
                zone);
        JsonNode patched = json(
                        HttpMethod.PATCH,
                        "/api/v1/websites/" + websiteId,
                        allToken,
                        "{\"aliases\":[],\"https\":\"off\"}",
                        202)
                .path("data");
        JsonNode patchData = JSON.readTree(
                        awaitCommand(patched.path("id").asString()).value())
                .path("data");
        assertThat(patchData.path("aliases").size()).isZero();
        assertThat(patchData.path("https").asString()).isEqualTo("off");
        assertThat(patchData.path("warnings").size()).isZero();
        assertThat(website(websiteId).path("status").asString()).isEqualTo("pending");

        // A failed change: the status says so (what was served before still is).
        fail(patched.path("id").asString());
        awaitStatus(websiteId, "failed");
    }

    @Test
    void aProxyUpstreamIsPinnedToAPublicAddressAndNothingHostileReachesTheCommand() throws Exception {
        JsonNode job = json(
                        HttpMethod.POST,
                        "/api/v1/websites",
                        allToken,
                        "{\"domain\":\"" + zone + "\",\"kind\":\"proxy\",\"upstream\":\"http://203.0.113.10:8080/app\","
                                + "\"https\":\"redirect\"}",
                        202)
                .path("data");
        JsonNode data =
                JSON.readTree(awaitCommand(job.path("id").asString()).value()).path("data");
        assertThat(data.path("upstream").asString()).isEqualTo("http://203.0.113.10:8080/app");
        assertThat(data.path("upstream_address").asString()).isEqualTo("203.0.113.10");

        String other = "other-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", other, tenant);
        int before = count("select count(*) from api.websites where tenant_id = '" + tenant + "'");
        // Internal upstreams (loopback, private, metadata, a name resolving to loopback) and hostile shapes: 400.
        for (String upstream : List.of(
                "http://127.0.0.1:8080/",
                "http://10.0.0.5/",
                "http://169.254.169.254/latest",
                "http://localhost:3000/",
                "http://203.0.113.10/$host",
                "http://203.0.113.10/a;b",
                "http://203.0.113.10/a b",
                "http://203.0.113.10/\\\"x",
                "http://203.0.113.10/?q=1",
                "http://user@203.0.113.10/",
                "ftp://203.0.113.10/",
                "http://203.0.113.10/{x}",
                "http://203.0.113.10:99999/",
                "http://203.0.113.10:0/")) {
            JsonNode refused = json(
                    HttpMethod.POST,
                    "/api/v1/websites",
                    allToken,
                    "{\"domain\":\"" + other + "\",\"kind\":\"proxy\",\"upstream\":\"" + upstream + "\"}",
                    400);
            assertThat(refused.path("errors").get(0).path("field").asString())
                    .as(upstream)
                    .isEqualTo("upstream");
        }
        assertRefused("{\"domain\":\"" + other + "\",\"kind\":\"proxy\"}", "upstream", "REQUIRED");
        assertRefused(
                "{\"domain\":\"" + other + "\",\"kind\":\"static\",\"upstream\":\"http://203.0.113.10/\"}",
                "upstream",
                "UNSUPPORTED");
        assertRefused("{\"domain\":\"" + other + "\",\"kind\":\"php\"}", "kind", "INVALID");
        assertRefused("{\"domain\":\"" + other + "\",\"kind\":\"static\",\"https\":\"sometimes\"}", "https", "INVALID");
        assertRefused("{\"domain\":\"" + other + "\",\"kind\":\"static\",\"root\":\"/etc\"}", "root", "UNSUPPORTED");
        assertRefused(
                "{\"domain\":\"" + other + "\",\"kind\":\"static\",\"aliases\":[\"a;b." + other + "\"]}",
                "aliases[0]",
                "INVALID");
        assertRefused(
                "{\"domain\":\"" + other + "\",\"kind\":\"static\",\"aliases\":[\"www." + other + "\",\"WWW." + other
                        + "\"]}",
                "aliases[1]",
                "INVALID");
        assertRefused("{\"domain\":\"not a name\",\"kind\":\"static\"}", "domain", "INVALID");
        assertRefused("[]", null, "INVALID");
        // Names the tenant does not own: 404, as for names that do not exist.
        json(
                HttpMethod.POST,
                "/api/v1/websites",
                allToken,
                "{\"domain\":\"nobody-" + UUID.randomUUID().toString().substring(0, 8) + ".test\",\"kind\":\"static\"}",
                404);
        json(
                HttpMethod.POST,
                "/api/v1/websites",
                allToken,
                "{\"domain\":\"" + other + "\",\"kind\":\"static\",\"aliases\":[\"www.example.com\"]}",
                404);
        // The domain's website exists: 409, and a name another website answers to: 409.
        JsonNode twice = json(
                HttpMethod.POST,
                "/api/v1/websites",
                allToken,
                "{\"domain\":\"" + zone + "\",\"kind\":\"static\"}",
                409);
        assertThat(twice.path("errors").get(0).path("code").asString()).isEqualTo("NAME_IN_USE");
        assertThat(count("select count(*) from api.websites where tenant_id = '" + tenant + "'"))
                .isEqualTo(before);
    }

    @Test
    void namesAreHeldOnceDomainsInUseCannotBeDeletedAndADeletionFreesThem() throws Exception {
        String shop = "shop." + zone;
        JsonNode first = json(
                        HttpMethod.POST,
                        "/api/v1/websites",
                        allToken,
                        "{\"domain\":\"" + zone + "\",\"aliases\":[\"" + shop + "\"],\"kind\":\"static\"}",
                        202)
                .path("data");
        String firstId = first.path("resource").asString().replace("websites/", "");
        String other = "second-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", other, tenant);
        JsonNode taken = json(
                HttpMethod.POST,
                "/api/v1/websites",
                allToken,
                "{\"domain\":\"" + other + "\",\"aliases\":[\"" + shop + "\"],\"kind\":\"static\"}",
                409);
        assertThat(taken.path("errors").get(0).path("code").asString()).isEqualTo("NAME_IN_USE");
        assertThat(taken.path("message").asString()).contains(shop);

        // The domain serves a website: it cannot be deleted, and the answer names the website's domain.
        JsonNode inUse = json(HttpMethod.DELETE, "/api/v1/domains/" + zone, allToken, null, 409);
        assertThat(inUse.path("errors").get(0).path("code").asString()).isEqualTo("DOMAIN_IN_USE");
        assertThat(inUse.path("message").asString()).contains(zone);

        // A token limited to the other domain neither sees nor changes this website.
        String limited = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"websites.read\",\"websites.write\"],\"allowed_domains\":[\"" + other + "\"]}",
                        201)
                .path("data")
                .path("token")
                .asString();
        json(HttpMethod.GET, "/api/v1/websites/" + firstId, limited, null, 404);
        json(HttpMethod.DELETE, "/api/v1/websites/" + firstId, limited, null, 404);
        assertThat(json(HttpMethod.GET, "/api/v1/websites", limited, null, 200)
                        .path("data")
                        .path("items")
                        .size())
                .isZero();
        json(
                HttpMethod.POST,
                "/api/v1/websites",
                limited,
                "{\"domain\":\"" + other + "\",\"aliases\":[\"www." + zone + "\"],\"kind\":\"static\"}",
                403);
        // Another tenant finds nothing; scopes hold.
        String stranger = token(
                accounts.create("stranger-" + UUID.randomUUID().toString().substring(0, 8))
                        .block()
                        .id(),
                "*");
        json(HttpMethod.GET, "/api/v1/websites/" + firstId, stranger, null, 404);
        json(HttpMethod.GET, "/api/v1/websites", token(tenant, "websites.write"), null, 403);
        json(
                HttpMethod.POST,
                "/api/v1/websites",
                token(tenant, "websites.read"),
                "{\"domain\":\"" + other + "\",\"kind\":\"static\"}",
                403);

        // Deleted: a job; once it succeeded the website is gone and its names are free again.
        JsonNode deletion = json(HttpMethod.DELETE, "/api/v1/websites/" + firstId, allToken, null, 202)
                .path("data");
        assertThat(deletion.path("type").asString()).isEqualTo("website.delete");
        assertThat(website(firstId).path("status").asString()).isEqualTo("deleting");
        succeed(deletion.path("id").asString(), "website.delete", firstId);
        await("the website gone")
                .atMost(Duration.ofSeconds(30))
                .until(() -> count("select count(*) from api.websites where id = '" + firstId + "'") == 0);
        json(HttpMethod.GET, "/api/v1/websites/" + firstId, allToken, null, 404);
        json(
                HttpMethod.POST,
                "/api/v1/websites",
                allToken,
                "{\"domain\":\"" + other + "\",\"aliases\":[\"" + shop + "\"],\"kind\":\"static\"}",
                202);
    }

    @Test
    void anotherTenantsSubdomainIsNeitherAnAliasNorABlockAndARetriedCreationIsReplayed() throws Exception {
        // Another tenant owns a subdomain of this tenant's domain, with a website on it.
        String stranger = accounts.create("sub-" + UUID.randomUUID().toString().substring(0, 8))
                .block()
                .id();
        String sub = "sub." + zone;
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", sub, stranger);
        json(
                HttpMethod.POST,
                "/api/v1/websites",
                token(stranger, "*"),
                "{\"domain\":\"" + sub + "\",\"kind\":\"static\"}",
                202);
        // A name in that subdomain is not this tenant's, though it lies under its domain: 404.
        json(
                HttpMethod.POST,
                "/api/v1/websites",
                allToken,
                "{\"domain\":\"" + zone + "\",\"aliases\":[\"www." + sub + "\"],\"kind\":\"static\"}",
                404);
        // The retried creation (same Idempotency-Key, same body) is the same job, not a second one or a 409.
        String body = "{\"domain\":\"" + zone + "\",\"kind\":\"static\"}";
        String key = UUID.randomUUID().toString();
        List<String> jobIds = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            jobIds.add(http.post()
                    .uri("/api/v1/websites")
                    .header("Authorization", "Bearer " + allToken)
                    .header("Idempotency-Key", key)
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isAccepted()
                    .expectBody(JsonNode.class)
                    .returnResult()
                    .getResponseBody()
                    .path("data")
                    .path("id")
                    .asString());
        }
        assertThat(jobIds.get(1)).isEqualTo(jobIds.get(0));
        assertThat(count("select count(*) from api.websites where tenant_id = '" + tenant + "'"))
                .isEqualTo(1);
        // The other tenant's website under this domain neither blocks its deletion nor is named to it: this
        // tenant's own website does, and only it is named.
        JsonNode inUse = json(HttpMethod.DELETE, "/api/v1/domains/" + zone, allToken, null, 409);
        assertThat(inUse.path("message").asString()).contains(zone).doesNotContain(sub);
    }

    // Helpers

    private JsonNode website(String id) {
        return json(HttpMethod.GET, "/api/v1/websites/" + id, allToken, null, 200)
                .path("data");
    }

    private void awaitStatus(String id, String status) {
        await("website " + status)
                .atMost(Duration.ofSeconds(30))
                .until(() -> website(id).path("status").asString().equals(status));
    }

    private void assertRefused(String body, String field, String code) {
        JsonNode refused = json(HttpMethod.POST, "/api/v1/websites", allToken, body, 400);
        JsonNode error = refused.path("errors").get(0);
        if (field != null) {
            assertThat(error.path("field").asString()).isEqualTo(field);
        }
        assertThat(error.path("code").asString()).isEqualTo(code);
    }

    private static List<String> codes(JsonNode warnings) {
        List<String> codes = new ArrayList<>();
        warnings.forEach(w -> codes.add(w.path("code").asString()));
        return codes;
    }

    /** Simulates the worker: the job succeeded with the result its handler reports. */
    private void succeed(String jobId, String jobType, String websiteId) throws Exception {
        send(jobId, jobType, JobStatus.SUCCEEDED, Map.of("website_id", websiteId, "backend", "local"));
    }

    private void fail(String jobId) throws Exception {
        var event = codec.event(
                "/test-worker",
                EventTypes.job(JobStatus.FAILED),
                "x",
                tenant,
                null,
                jobId,
                null,
                new JobStateChanged(
                        jobId,
                        "website.apply",
                        JobStatus.FAILED,
                        1,
                        List.of(),
                        new io.hostplane.common.job.JobError("NGINX_TEST_FAILED", "nginx -t failed"),
                        null,
                        0L));
        kafka.send(Topics.JOB_EVENTS, jobId, codec.write(event)).get();
    }

    private void send(String jobId, String jobType, JobStatus status, Map<String, Object> result) throws Exception {
        var event = codec.event(
                "/test-worker",
                EventTypes.job(status),
                "x",
                tenant,
                null,
                jobId,
                null,
                new JobStateChanged(jobId, jobType, status, 1, List.of(), null, codec.tree(result), 0L));
        kafka.send(Topics.JOB_EVENTS, jobId, codec.write(event)).get();
    }
}
