package io.hostplane.api.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.hostplane.api.ApiIntegrationTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * A second tenant's token with every scope walks every route at the first tenant's resources: the answer is
 * 404 (or an empty list, or a 409 that names no owner), never 403 and never the first tenant's data — except a
 * body that names another tenant outright (an audit stream's {@code tenant}), which is a 403 whether or not that
 * tenant exists. Another tenant's webhook subscription (and each of its deliveries) is a 404 on every webhook
 * route, and so is another tenant's website on every website route. A route added without an entry here fails the
 * test.
 */
class TenantIsolationTest extends ApiIntegrationTest {

    /** Routes that hold no tenant data, or that only the platform operator may call at all. */
    private static final Set<String> NOT_TENANT_DATA = Set.of(
            "GET /api/v1/health",
            "GET /api/v1/system/hello",
            "GET /api/v1/me",
            "GET /api/v1/oauth/scopes",
            // The device flow's public calls name a request by its secret verify token, not by tenant; the
            // OAuth token calls act on the calling token itself (OAuthDeviceFlowTest covers them).
            "POST /api/v1/oauth/requests",
            "GET /api/v1/oauth/requests/verify",
            "POST /api/v1/oauth/tokens/refresh",
            "DELETE /api/v1/oauth/tokens",
            "GET /api/v1/accounts",
            "POST /api/v1/accounts",
            "GET /api/v1/accounts/{id}",
            "PATCH /api/v1/accounts/{id}",
            // The caller's own rate-limit windows (its token's and its own tenant's).
            "GET /api/v1/rate-limit",
            // The API's own OpenAPI document: public, the same for everyone.
            "GET /api/v1/openapi.json",
            // The audit checkpoint verify keys: public keys, the same for everyone.
            "GET /api/v1/audit/keys");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping routes;

    /** A call of the walk; a body is JSON, except the zone file's ({@code text/dns}). */
    record Step(HttpMethod method, String route, String path, String body, int status) {

        MediaType type() {
            return route.endsWith("/dns/zonefile") ? MediaType.parseMediaType("text/dns") : MediaType.APPLICATION_JSON;
        }
    }

    /** Takes the first tenant's webhook deliveries (204), so that its subscription stays enabled however long the walk. */
    HttpServer receiver;

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void anotherTenantSeesNothingOnAnyRoute() throws Exception {
        String job = json(
                        HttpMethod.POST,
                        "/api/v1/domains/" + zone + "/dns/records",
                        allToken,
                        "{\"name\":\"www\",\"type\":\"A\",\"content\":\"192.0.2.1\"}",
                        202)
                .path("data")
                .path("id")
                .asString();
        String tokenId = json(HttpMethod.POST, "/api/v1/tokens", allToken, "{\"scopes\":[\"dns.read\"]}", 201)
                .path("data")
                .path("id")
                .asString();
        // The first tenant's audit stream, stored as the API stores one (its sink is not probed here).
        String stream = UUID.randomUUID().toString();
        sql(
                "insert into api.audit_streams (id, tenant, kind, host, port) values (?::uuid, ?, 'syslog', "
                        + "'siem.example.net', 6514)",
                stream,
                tenant);
        // The first tenant's webhook subscription and one delivery of it: the test event's. It goes to a receiver on
        // loopback (which the tests allow) that takes it, so that the subscription is not disabled for failing
        // (after hostplane.webhooks.disable-after, 3 s here) while the walk runs.
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String webhook = json(
                        HttpMethod.POST,
                        "/api/v1/webhooks",
                        allToken,
                        "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                                + "/hook\",\"events\":[\"ssl.expiring\"]}",
                        201)
                .path("data")
                .path("id")
                .asString();
        String delivery = json(HttpMethod.POST, "/api/v1/webhooks/" + webhook + "/test", allToken, null, 202)
                .path("data")
                .path("id")
                .asString();
        // The first tenant's website on its domain, made through the API (its job stays queued: no worker here).
        String website = json(
                        HttpMethod.POST,
                        "/api/v1/websites",
                        allToken,
                        "{\"domain\":\"" + zone + "\",\"kind\":\"static\"}",
                        202)
                .path("data")
                .path("resource")
                .asString()
                .replace("websites/", "");
        String userId = json(
                        HttpMethod.POST,
                        "/api/v1/users",
                        allToken,
                        "{\"username\":\"owner-" + UUID.randomUUID() + "\",\"password\":\"correct horse battery\"}",
                        201)
                .path("data")
                .path("id")
                .asString();
        String backup = io.hostplane.common.id.Ids.uuidV7().toString();
        sql(
                "insert into api.backups (id, tenant_id, domain, status, job_id, archive) "
                        + "values (?::uuid, ?, ?, 'available', ?::uuid, ?)",
                backup,
                tenant,
                zone,
                UUID.randomUUID().toString(),
                tenant + "/" + zone + "/" + backup + ".tar.gz");
        String intruder = token(
                accounts.create("intruder-" + UUID.randomUUID().toString().substring(0, 8))
                        .block()
                        .id(),
                "*");

        List<Step> walk = List.of(
                new Step(HttpMethod.GET, "/api/v1/domains", "/api/v1/domains", null, 200),
                new Step(HttpMethod.POST, "/api/v1/domains", "/api/v1/domains", "{\"name\":\"" + zone + "\"}", 409),
                new Step(HttpMethod.GET, "/api/v1/domains/{domain}", "/api/v1/domains/" + zone, null, 404),
                new Step(HttpMethod.DELETE, "/api/v1/domains/{domain}", "/api/v1/domains/" + zone, null, 404),
                new Step(
                        HttpMethod.GET,
                        "/api/v1/domains/{domain}/dns/zonefile",
                        "/api/v1/domains/" + zone + "/dns/zonefile",
                        null,
                        404),
                new Step(
                        HttpMethod.PUT,
                        "/api/v1/domains/{domain}/dns/zonefile",
                        "/api/v1/domains/" + zone + "/dns/zonefile",
                        "www IN A 192.0.2.9\n",
                        404),
                new Step(HttpMethod.GET, "/api/v1/domains/{domain}/ssl", "/api/v1/domains/" + zone + "/ssl", null, 404),
                new Step(
                        HttpMethod.DELETE,
                        "/api/v1/domains/{domain}/ssl",
                        "/api/v1/domains/" + zone + "/ssl",
                        null,
                        404),
                new Step(
                        HttpMethod.PUT,
                        "/api/v1/domains/{domain}/ssl",
                        "/api/v1/domains/" + zone + "/ssl",
                        "{\"certificate\":\"x\",\"private_key\":\"y\"}",
                        404),
                new Step(
                        HttpMethod.GET,
                        "/api/v1/domains/{domain}/dns/records",
                        "/api/v1/domains/" + zone + "/dns/records",
                        null,
                        404),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/domains/{domain}/dns/records",
                        "/api/v1/domains/" + zone + "/dns/records",
                        "{\"name\":\"x\",\"type\":\"A\",\"content\":\"192.0.2.9\"}",
                        404),
                new Step(
                        HttpMethod.PATCH,
                        "/api/v1/domains/{domain}/dns/records",
                        "/api/v1/domains/" + zone + "/dns/records",
                        "{\"changes\":[{\"op\":\"delete\",\"id\":\"" + UUID.randomUUID() + "\"}]}",
                        404),
                new Step(
                        HttpMethod.GET,
                        "/api/v1/domains/{domain}/dns/records/{id}",
                        "/api/v1/domains/" + zone + "/dns/records/" + UUID.randomUUID(),
                        null,
                        404),
                new Step(
                        HttpMethod.PUT,
                        "/api/v1/domains/{domain}/dns/records/{id}",
                        "/api/v1/domains/" + zone + "/dns/records/" + UUID.randomUUID(),
                        "{\"name\":\"x\",\"type\":\"A\",\"content\":\"192.0.2.9\"}",
                        404),
                new Step(
                        HttpMethod.DELETE,
                        "/api/v1/domains/{domain}/dns/records/{id}",
                        "/api/v1/domains/" + zone + "/dns/records/" + UUID.randomUUID(),
                        null,
                        404),
                new Step(HttpMethod.GET, "/api/v1/backups", "/api/v1/backups", null, 200),
                new Step(HttpMethod.POST, "/api/v1/backups", "/api/v1/backups", "{\"domain\":\"" + zone + "\"}", 404),
                new Step(HttpMethod.GET, "/api/v1/backups/{id}", "/api/v1/backups/" + backup, null, 404),
                new Step(HttpMethod.DELETE, "/api/v1/backups/{id}", "/api/v1/backups/" + backup, null, 404),
                new Step(
                        HttpMethod.GET,
                        "/api/v1/backups/{id}/archive",
                        "/api/v1/backups/" + backup + "/archive",
                        null,
                        404),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/backups/{id}/restore",
                        "/api/v1/backups/" + backup + "/restore",
                        null,
                        404),
                new Step(HttpMethod.GET, "/api/v1/jobs", "/api/v1/jobs", null, 200),
                new Step(HttpMethod.GET, "/api/v1/jobs/{id}", "/api/v1/jobs/" + job, null, 404),
                new Step(
                        HttpMethod.GET,
                        "/api/v1/jobs/{id}/deliveries",
                        "/api/v1/jobs/" + job + "/deliveries",
                        null,
                        404),
                new Step(HttpMethod.POST, "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/" + job + "/cancel", null, 404),
                new Step(HttpMethod.GET, "/api/v1/tokens", "/api/v1/tokens", null, 200),
                new Step(HttpMethod.POST, "/api/v1/tokens", "/api/v1/tokens", "{\"scopes\":[\"dns.read\"]}", 201),
                new Step(HttpMethod.GET, "/api/v1/tokens/{id}", "/api/v1/tokens/" + tokenId, null, 404),
                new Step(HttpMethod.DELETE, "/api/v1/tokens/{id}", "/api/v1/tokens/" + tokenId, null, 404),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/tokens/{id}/rotate",
                        "/api/v1/tokens/" + tokenId + "/rotate",
                        null,
                        404),
                new Step(HttpMethod.GET, "/api/v1/users", "/api/v1/users", null, 200),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/users",
                        "/api/v1/users",
                        "{\"username\":\"intruder-" + UUID.randomUUID() + "\",\"password\":\"another long one\"}",
                        201),
                new Step(HttpMethod.DELETE, "/api/v1/users/{id}", "/api/v1/users/" + userId, null, 404),
                new Step(HttpMethod.GET, "/api/v1/audit/events", "/api/v1/audit/events?job_id=" + job, null, 503),
                new Step(HttpMethod.GET, "/api/v1/audit/export", "/api/v1/audit/export?job_id=" + job, null, 503),
                new Step(HttpMethod.GET, "/api/v1/audit/verify", "/api/v1/audit/verify?tenant=" + tenant, null, 404),
                // The caller's own tenant's secret: rotating it leaves the first tenant's alone (checked below).
                new Step(
                        HttpMethod.POST,
                        "/api/v1/callbacks/secret/rotate",
                        "/api/v1/callbacks/secret/rotate",
                        null,
                        200),
                new Step(HttpMethod.GET, "/api/v1/audit/streams", "/api/v1/audit/streams", null, 200),
                // Naming another tenant in a stream is refused as such, whether or not that tenant exists.
                new Step(
                        HttpMethod.POST,
                        "/api/v1/audit/streams",
                        "/api/v1/audit/streams",
                        "{\"kind\":\"syslog\",\"host\":\"127.0.0.1\",\"port\":6514,\"tenant\":\"" + tenant + "\"}",
                        403),
                new Step(HttpMethod.GET, "/api/v1/audit/streams/{id}", "/api/v1/audit/streams/" + stream, null, 404),
                new Step(
                        HttpMethod.PATCH,
                        "/api/v1/audit/streams/{id}",
                        "/api/v1/audit/streams/" + stream,
                        "{\"description\":\"mine now\"}",
                        404),
                new Step(HttpMethod.DELETE, "/api/v1/audit/streams/{id}", "/api/v1/audit/streams/" + stream, null, 404),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/audit/streams/{id}/pause",
                        "/api/v1/audit/streams/" + stream + "/pause",
                        null,
                        404),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/audit/streams/{id}/resume",
                        "/api/v1/audit/streams/" + stream + "/resume",
                        null,
                        404),
                new Step(HttpMethod.GET, "/api/v1/webhooks", "/api/v1/webhooks", null, 200),
                // The caller's own subscription: the first tenant's list stays as it was (checked below).
                new Step(
                        HttpMethod.POST,
                        "/api/v1/webhooks",
                        "/api/v1/webhooks",
                        "{\"url\":\"https://127.0.0.1:9/intruder\",\"events\":[\"*\"]}",
                        201),
                new Step(HttpMethod.GET, "/api/v1/webhooks/{id}", "/api/v1/webhooks/" + webhook, null, 404),
                new Step(
                        HttpMethod.PATCH,
                        "/api/v1/webhooks/{id}",
                        "/api/v1/webhooks/" + webhook,
                        "{\"description\":\"mine now\",\"status\":\"disabled\"}",
                        404),
                new Step(HttpMethod.DELETE, "/api/v1/webhooks/{id}", "/api/v1/webhooks/" + webhook, null, 404),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/webhooks/{id}/rotate-secret",
                        "/api/v1/webhooks/" + webhook + "/rotate-secret",
                        null,
                        404),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/webhooks/{id}/test",
                        "/api/v1/webhooks/" + webhook + "/test",
                        null,
                        404),
                new Step(
                        HttpMethod.GET,
                        "/api/v1/webhooks/{id}/deliveries",
                        "/api/v1/webhooks/" + webhook + "/deliveries",
                        null,
                        404),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver",
                        "/api/v1/webhooks/" + webhook + "/deliveries/" + delivery + "/redeliver",
                        null,
                        404),
                new Step(HttpMethod.GET, "/api/v1/websites", "/api/v1/websites", null, 200),
                new Step(HttpMethod.GET, "/api/v1/websites", "/api/v1/websites?domain=" + zone, null, 200),
                // A website for the first tenant's domain: the domain is not the caller's.
                new Step(
                        HttpMethod.POST,
                        "/api/v1/websites",
                        "/api/v1/websites",
                        "{\"domain\":\"" + zone + "\",\"kind\":\"static\"}",
                        404),
                new Step(HttpMethod.GET, "/api/v1/websites/{id}", "/api/v1/websites/" + website, null, 404),
                new Step(
                        HttpMethod.PATCH,
                        "/api/v1/websites/{id}",
                        "/api/v1/websites/" + website,
                        "{\"https\":\"off\"}",
                        404),
                new Step(HttpMethod.DELETE, "/api/v1/websites/{id}", "/api/v1/websites/" + website, null, 404),
                new Step(
                        HttpMethod.POST,
                        "/api/v1/audit/replays",
                        "/api/v1/audit/replays",
                        "{\"tenant\":\"" + tenant + "\",\"target\":{\"kind\":\"file\",\"path\":\"x.ndjson\"}}",
                        404));

        // (audit.events belongs to the audit service, which does not run here: the read is a 503, and the
        // end-to-end test checks audit confinement with the audit service running, and AuditApiTest checks
        // events, export and verify with the audit service beside the API.)
        Set<String> walked = new TreeSet<>();
        for (Step step : walk) {
            walked.add(step.method() + " " + step.route());
            WebTestClient.RequestBodySpec call =
                    http.method(step.method()).uri(step.path()).header("Authorization", "Bearer " + intruder);
            WebTestClient.RequestHeadersSpec<?> ready =
                    step.body() == null ? call : call.contentType(step.type()).bodyValue(step.body());
            String body = ready.exchange()
                    .expectStatus()
                    .isEqualTo(step.status())
                    .expectHeader()
                    .exists("X-Request-Id")
                    .expectBody(String.class)
                    .returnResult()
                    .getResponseBody();
            // A refusal may repeat the name or id the caller sent; it carries no data and never the owner.
            assertThat(body).as(step.method() + " " + step.path()).doesNotContain(tenant);
            if (step.status() >= 400) {
                assertThat(body).as(step.method() + " " + step.path()).doesNotContain("\"data\"");
            } else {
                assertThat(body)
                        .as(step.method() + " " + step.path())
                        .doesNotContain(job)
                        .doesNotContain(zone)
                        .doesNotContain(tokenId)
                        .doesNotContain(userId)
                        .doesNotContain(stream)
                        .doesNotContain(webhook)
                        .doesNotContain(delivery)
                        .doesNotContain(website);
            }
        }
        assertThat(walked).containsAll(tenantRoutes());
        // The walk changed nothing of the first tenant's.
        json(HttpMethod.GET, "/api/v1/tokens/" + tokenId, allToken, null, 200);
        json(HttpMethod.GET, "/api/v1/jobs/" + job, allToken, null, 200);
        assertThat(json(HttpMethod.GET, "/api/v1/me", allToken, null, 200)
                        .path("data")
                        .path("callback_secret")
                        .path("id")
                        .asString())
                .isEqualTo("derived");
        assertThat(json(HttpMethod.GET, "/api/v1/audit/streams/" + stream, allToken, null, 200)
                        .path("data")
                        .path("description")
                        .isNull())
                .isTrue();
        JsonNode mine = json(HttpMethod.GET, "/api/v1/webhooks/" + webhook, allToken, null, 200)
                .path("data");
        assertThat(mine.path("status").asString()).isEqualTo("enabled");
        assertThat(mine.path("description").isNull()).isTrue();
        JsonNode deliveries = json(HttpMethod.GET, "/api/v1/webhooks/" + webhook + "/deliveries", allToken, null, 200)
                .path("data")
                .path("items");
        assertThat(deliveries.size()).isEqualTo(1);
        assertThat(deliveries.path(0).path("id").asString()).isEqualTo(delivery);
        JsonNode listed = json(HttpMethod.GET, "/api/v1/webhooks", allToken, null, 200)
                .path("data")
                .path("items");
        assertThat(listed.size()).isEqualTo(1);
        assertThat(listed.path(0).path("id").asString()).isEqualTo(webhook);
        JsonNode site = json(HttpMethod.GET, "/api/v1/websites/" + website, allToken, null, 200)
                .path("data");
        assertThat(site.path("status").asString()).isEqualTo("pending");
        assertThat(site.path("https").asString()).isEqualTo("auto");
        JsonNode sites = json(HttpMethod.GET, "/api/v1/websites", allToken, null, 200)
                .path("data")
                .path("items");
        assertThat(sites.size()).isEqualTo(1);
        assertThat(sites.path(0).path("id").asString()).isEqualTo(website);
        assertThat(json(HttpMethod.GET, "/api/v1/users", allToken, null, 200)
                        .path("data")
                        .toString())
                .contains(userId);
    }

    private Set<String> tenantRoutes() {
        Set<String> all = new TreeSet<>();
        routes.getHandlerMethods()
                .keySet()
                .forEach(info -> info.getPatternsCondition().getPatterns().forEach(pattern -> {
                    var methods = info.getMethodsCondition().getMethods();
                    List<String> names = new ArrayList<>();
                    methods.forEach(m -> names.add(m.name()));
                    for (String method : names) {
                        String route = method + " " + pattern.getPatternString();
                        if (pattern.getPatternString().startsWith("/api/v1/") && !NOT_TENANT_DATA.contains(route)) {
                            all.add(route);
                        }
                    }
                }));
        assertThat(all).isNotEmpty();
        return all;
    }
}
