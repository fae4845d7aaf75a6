package io.hostplane.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.ssl.SslApiTest;
import io.hostplane.api.testing.RouterFunctionRoutes;
import io.hostplane.api.testing.SslTestCertificates;
import io.hostplane.common.scope.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document against the running application: every route it maps under {@code /api/v1} (and the
 * OAuth approval page) is documented and nothing else is; each operation's {@code x-required-scopes} is the
 * scope the security rules really demand; the document and Swagger UI are served without a token.
 */
class OpenApiRoutesTest extends ApiIntegrationTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping annotated;

    @Autowired
    List<RouterFunctionMapping> functional;

    @Test
    void everyMappedRouteIsDocumentedAndEveryDocumentedRouteIsMapped() throws IOException {
        Set<String> mapped = mappedRoutes();
        Set<String> documented = new TreeSet<>();
        documentedOperations(document()).forEach(o -> documented.add(o.route()));

        Set<String> undocumented = new TreeSet<>(mapped);
        undocumented.removeAll(documented);
        Set<String> unmapped = new TreeSet<>(documented);
        unmapped.removeAll(mapped);
        assertThat(mapped).as("routes found in the application").hasSizeGreaterThan(40);
        // Both lists in one failure, so that one run says everything that is out of step.
        org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(undocumented)
                    .as("Routes the application maps but api-service/src/main/resources/openapi/openapi.json does"
                            + " not document (add them; see docs/api.md)")
                    .isEmpty();
            soft.assertThat(unmapped)
                    .as("Routes the OpenAPI document names but the application does not map")
                    .isEmpty();
        });
    }

    /**
     * Each handler's query parameters ({@code @RequestParam}) are exactly the operation's documented query
     * parameters, and each header it reads ({@code @RequestHeader}) is documented (headers that filters read,
     * such as {@code Idempotency-Key}, are documented without a handler parameter).
     */
    @Test
    void everyHandlerParameterIsDocumented() throws IOException {
        JsonNode doc = document();
        List<String> wrong = new ArrayList<>();
        annotated.getHandlerMethods().forEach((info, handler) -> {
            for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                String path = pattern.getPatternString();
                if (!path.startsWith("/api/v1/")) {
                    continue;
                }
                for (var method : info.getMethodsCondition().getMethods()) {
                    JsonNode op =
                            doc.path("paths").path(path).path(method.name().toLowerCase(Locale.ROOT));
                    if (op.isMissingNode()) {
                        continue; // reported by everyMappedRouteIsDocumentedAndEveryDocumentedRouteIsMapped
                    }
                    Set<String> documentedQuery = new TreeSet<>();
                    Set<String> documentedHeaders = new TreeSet<>();
                    for (JsonNode p : op.path("parameters")) {
                        JsonNode parameter =
                                p.has("$ref") ? doc.at(p.path("$ref").asString().substring(1)) : p;
                        String in = parameter.path("in").asString();
                        if (in.equals("query")) {
                            documentedQuery.add(parameter.path("name").asString());
                        } else if (in.equals("header")) {
                            documentedHeaders.add(
                                    parameter.path("name").asString().toLowerCase(Locale.ROOT));
                        }
                    }
                    Set<String> query = new TreeSet<>();
                    for (var parameter : handler.getMethodParameters()) {
                        var param = parameter.getParameterAnnotation(
                                org.springframework.web.bind.annotation.RequestParam.class);
                        if (param != null) {
                            query.add(param.name().isEmpty() ? parameter.getParameterName() : param.name());
                        }
                        var header = parameter.getParameterAnnotation(
                                org.springframework.web.bind.annotation.RequestHeader.class);
                        if (header != null
                                && !documentedHeaders.contains(header.name().toLowerCase(Locale.ROOT))) {
                            wrong.add(method + " " + path + ": header " + header.name() + " is not documented");
                        }
                    }
                    if (!query.equals(documentedQuery)) {
                        wrong.add(method + " " + path + ": query parameters " + query + " in the code, "
                                + documentedQuery + " in the document");
                    }
                }
            }
        });
        assertThat(wrong).isEmpty();
    }

    /**
     * For each documented operation that needs a scope: a token holding every other scope is refused with 403
     * naming exactly that scope, and a token holding only that scope gets past the scope check. An operation
     * that needs no scope is never refused for one (and a public one never asks for a token).
     */
    @Test
    void eachOperationsRequiredScopeIsTheOneTheSecurityRulesDemand() throws IOException {
        nonconforming.clear();
        String operator = operatorToken();
        Map<String, String> onlyScope = new java.util.HashMap<>();
        Map<String, String> allBut = new java.util.HashMap<>();
        Function<String, String> only = scope -> scope.equals(Scope.PLATFORM_ADMIN.wireName())
                ? operator
                : onlyScope.computeIfAbsent(scope, s -> token(tenant, s));
        Function<String, String> lacking = scope -> allBut.computeIfAbsent(
                scope,
                s -> token(
                        tenant,
                        Arrays.stream(Scope.values())
                                .filter(x -> x != Scope.PLATFORM_ADMIN
                                        && !x.wireName().equals(s))
                                .map(Scope::wireName)
                                .toArray(String[]::new)));
        List<String> wrong = new ArrayList<>();
        for (Operation op : documentedOperations(document())) {
            if (op.isPublic()) {
                Answer answer = call(op, null);
                if (answer.status() == 401 || answer.lacksScope() != null) {
                    wrong.add(op + " is documented as public but answered " + answer);
                }
                continue;
            }
            if (op.scopes().isEmpty()) {
                Answer answer = call(op, token(tenant, Scope.PROFILE_READ.wireName()));
                if (answer.status() == 401 || answer.lacksScope() != null) {
                    wrong.add(op + " is documented as needing any token but answered " + answer);
                }
                continue;
            }
            for (String scope : op.scopes()) {
                Answer refused = call(op, lacking.apply(scope));
                if (refused.status() != 403 || !scope.equals(refused.lacksScope())) {
                    wrong.add(op + " needs " + scope + " per the document, but without it answered " + refused);
                }
            }
            if (op.scopes().size() == 1) {
                Answer allowed = call(op, only.apply(op.scopes().get(0)));
                if (allowed.status() == 401 || allowed.lacksScope() != null || allowed.status() == 500) {
                    wrong.add(op + " with only " + op.scopes() + " answered " + allowed);
                }
            }
        }
        assertThat(wrong)
                .as("operations whose x-required-scopes disagree with the API")
                .isEmpty();
    }

    /**
     * A walk through the API with real resources: each answer's status is documented for its operation and
     * its body matches the schema the document gives (envelopes, jobs, pages, tokens, users, accounts, OAuth).
     */
    @Test
    void realAnswersMatchTheDocumentedSchemas() throws IOException {
        nonconforming.clear();
        String operator = operatorToken();
        String domain = "/api/v1/domains/{domain}";
        String records = domain + "/dns/records";
        String z = "/api/v1/domains/" + zone;
        get("/api/v1/health", "/api/v1/health", null);
        get("/api/v1/system/hello", "/api/v1/system/hello", allToken);
        get("/api/v1/me", "/api/v1/me", allToken);
        get("/api/v1/domains", "/api/v1/domains", allToken);
        expect(200, get(domain, z, allToken));
        get(records, z + "/dns/records?type=A&type=AAAA", allToken);
        get(domain + "/ssl", z + "/ssl", allToken);
        SslTestCertificates.Issued cert = SslTestCertificates.selfSigned(
                SslTestCertificates.rsa(2048),
                zone,
                List.of(zone),
                java.time.Instant.now().minusSeconds(60),
                java.time.Instant.now().plus(java.time.Duration.ofDays(20)));
        expect(
                202,
                send(
                        "PUT",
                        domain + "/ssl",
                        z + "/ssl",
                        allToken,
                        SslApiTest.body(cert.certificatePem(), null, cert.pkcs8KeyPem())));
        expect(200, get(domain + "/ssl", z + "/ssl", allToken));
        send("PUT", domain + "/ssl", z + "/ssl", allToken, SslApiTest.body("nope", null, null));
        get("/api/v1/oauth/scopes", "/api/v1/oauth/scopes", null);
        get("/api/v1/audit/events", "/api/v1/audit/events?type=x", allToken);
        expect(200, get("/api/v1/audit/keys", "/api/v1/audit/keys", null));

        Answer created = send(
                "POST",
                records,
                z + "/dns/records",
                allToken,
                "{\"name\":\"www\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.1\"}");
        assertThat(created.status()).isEqualTo(202);
        String job = created.body().path("data").path("id").asString();
        expect(
                202,
                send(
                        "PATCH",
                        records,
                        z + "/dns/records",
                        allToken,
                        "{\"changes\":[{\"op\":\"create\",\"record\":{\"name\":\"mail\",\"type\":\"MX\",\"content\":\"mx.example.net.\",\"priority\":10}}]}"));
        send("PATCH", records, z + "/dns/records", allToken, "{\"changes\":[{\"op\":\"nope\"},{\"op\":\"delete\"}]}");
        send(
                "POST",
                records,
                z + "/dns/records",
                allToken,
                "{\"name\":\"www\",\"type\":\"A\",\"ttl\":1,\"content\":\"x\"}");
        expect(
                202,
                call(
                        "PUT",
                        domain + "/dns/zonefile",
                        z + "/dns/zonefile",
                        allToken,
                        "www 300 IN A 192.0.2.7\n",
                        MediaType.parseMediaType("text/dns")));
        expect(200, get("/api/v1/jobs/{id}", "/api/v1/jobs/" + job, allToken));
        String etag = http.get()
                .uri("/api/v1/jobs/" + job)
                .header("Authorization", "Bearer " + allToken)
                .exchange()
                .returnResult(byte[].class)
                .getResponseHeaders()
                .getETag();
        int notModified = http.get()
                .uri("/api/v1/jobs/" + job)
                .header("Authorization", "Bearer " + allToken)
                .header("If-None-Match", etag)
                .exchange()
                .returnResult(byte[].class)
                .getStatus()
                .value();
        assertThat(notModified).isEqualTo(304);
        nonconforming.addAll(conformance().problems("GET", "/api/v1/jobs/{id}", notModified, null, null));
        get("/api/v1/jobs/{id}", "/api/v1/jobs/" + job + "?wait=bad", allToken);
        get("/api/v1/jobs", "/api/v1/jobs?id=" + job + "&status=queued", allToken);
        expect(200, get("/api/v1/jobs/{id}/deliveries", "/api/v1/jobs/" + job + "/deliveries", allToken));
        expect(200, send("POST", "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/" + job + "/cancel", allToken, null));
        expect(409, send("POST", "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/" + job + "/cancel", allToken, null));

        Answer token = send(
                "POST",
                "/api/v1/tokens",
                "/api/v1/tokens",
                allToken,
                "{\"description\":\"ci\",\"scopes\":[\"dns.read\"],\"rate_limit\":{\"limit\":10,\"period_seconds\":60}}");
        expect(201, token);
        String tokenId = token.body().path("data").path("id").asString();
        get("/api/v1/tokens", "/api/v1/tokens", allToken);
        expect(200, get("/api/v1/tokens/{id}", "/api/v1/tokens/" + tokenId, allToken));
        Answer rotated = send(
                "POST",
                "/api/v1/tokens/{id}/rotate",
                "/api/v1/tokens/" + tokenId + "/rotate",
                allToken,
                "{\"grace_seconds\":0}");
        expect(201, rotated);
        send(
                "DELETE",
                "/api/v1/tokens/{id}",
                "/api/v1/tokens/" + rotated.body().path("data").path("id").asString(),
                allToken,
                null);

        String username = "openapi-" + UUID.randomUUID().toString().substring(0, 8);
        Answer user = send(
                "POST",
                "/api/v1/users",
                "/api/v1/users",
                allToken,
                "{\"username\":\"" + username + "\",\"password\":\"correct horse battery\"}");
        expect(201, user);
        get("/api/v1/users", "/api/v1/users", allToken);
        send(
                "DELETE",
                "/api/v1/users/{id}",
                "/api/v1/users/" + user.body().path("data").path("id").asString(),
                allToken,
                null);

        Answer request = send(
                "POST",
                "/api/v1/oauth/requests",
                "/api/v1/oauth/requests",
                null,
                "{\"app_name\":\"Docs\",\"scopes\":[\"dns.read\"]}");
        expect(201, request);
        get(
                "/api/v1/oauth/requests/verify",
                "/api/v1/oauth/requests/verify?verify_token="
                        + request.body().path("data").path("verify_token").asString(),
                null);
        get("/api/v1/oauth/requests/verify", "/api/v1/oauth/requests/verify?verify_token=nope", null);

        Answer account = send(
                "POST",
                "/api/v1/accounts",
                "/api/v1/accounts",
                operator,
                "{\"name\":\"openapi-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        expect(201, account);
        get("/api/v1/accounts", "/api/v1/accounts", operator);
        get(
                "/api/v1/accounts/{id}",
                "/api/v1/accounts/" + account.body().path("data").path("id").asString(),
                operator);
        get("/api/v1/accounts", "/api/v1/accounts?limit=0", operator);

        Answer backup = send(
                "POST",
                "/api/v1/backups",
                "/api/v1/backups",
                allToken,
                "{\"domain\":\"" + zone + "\",\"label\":\"before\"}");
        expect(202, backup);
        String backupId = backup.body().path("data").path("resource").asString().replace("backups/", "");
        get("/api/v1/backups", "/api/v1/backups?domain=" + zone, allToken);
        expect(200, get("/api/v1/backups/{id}", "/api/v1/backups/" + backupId, allToken));
        get("/api/v1/backups/{id}/archive", "/api/v1/backups/" + backupId + "/archive", allToken);
        send("POST", "/api/v1/backups/{id}/restore", "/api/v1/backups/" + backupId + "/restore", allToken, null);

        webhooks(operator);
        websites(operator);

        send(
                "POST",
                "/api/v1/domains",
                "/api/v1/domains",
                allToken,
                "{\"name\":\"openapi-" + UUID.randomUUID().toString().substring(0, 8) + ".test\"}");
        send("POST", "/api/v1/domains", "/api/v1/domains", allToken, "{\"name\":\"not a name\"}");
        send("DELETE", domain, z, allToken, null);
        send(
                "POST",
                records,
                z + "/dns/records",
                allToken,
                "{\"name\":\"www\",\"type\":\"A\",\"content\":\"192.0.2.2\"}");

        assertThat(nonconforming).as("answers the document does not describe").isEmpty();
    }

    /**
     * The webhook routes with a subscription to loopback (allowed in these tests; only resolved, never called while
     * it is disabled): each answer, refusals included, as the document describes it.
     */
    private void webhooks(String operator) throws IOException {
        String hooks = "/api/v1/webhooks";
        String one = hooks + "/{id}";
        Answer created = send(
                "POST",
                hooks,
                hooks,
                allToken,
                "{\"url\":\"https://127.0.0.1:9/hook\",\"events\":[\"job.failed:backup.create\",\"ssl.expiring\"],"
                        + "\"description\":\"docs\"}");
        expect(201, created);
        assertThat(created.body().path("data").path("secret").asString()).isNotEmpty();
        String id = created.body().path("data").path("id").asString();
        String at = hooks + "/" + id;
        expect(400, send("POST", hooks, hooks, allToken, "{\"url\":\"ftp://x\",\"events\":[\"nope\"]}"));
        expect(
                400,
                send(
                        "POST",
                        hooks,
                        hooks,
                        allToken,
                        "{\"url\":\"https://127.0.0.1:9/hook\",\"events\":[\"*\"],\"status\":\"enabled\"}"));
        String limited = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"webhooks.read\",\"webhooks.write\"],\"allowed_domains\":[\"" + zone + "\"]}",
                        201)
                .path("data")
                .path("token")
                .asString();
        expect(403, send("POST", hooks, hooks, limited, "{\"url\":\"https://127.0.0.1:9/x\",\"events\":[\"*\"]}"));
        expect(200, get(one, at, limited));
        expect(403, send("DELETE", one, at, limited, null));
        expect(400, get(hooks, hooks, operator));
        expect(200, get(hooks, hooks, allToken));
        expect(200, get(one, at, allToken));
        expect(404, get(one, hooks + "/" + UUID.randomUUID(), allToken));
        expect(
                200,
                call(
                        "PATCH",
                        one,
                        at,
                        allToken,
                        "{\"description\":null,\"status\":\"disabled\"}",
                        MediaType.parseMediaType("application/merge-patch+json")));
        expect(400, send("PATCH", one, at, allToken, "{\"events\":[],\"status\":\"off\"}"));
        expect(202, send("POST", one + "/test", at + "/test", allToken, null));
        Answer deliveries = get(one + "/deliveries", at + "/deliveries?state=pending", allToken);
        expect(200, deliveries);
        String delivery =
                deliveries.body().path("data").path("items").path(0).path("id").asString();
        String redeliver = one + "/deliveries/{delivery}/redeliver";
        expect(409, send("POST", redeliver, at + "/deliveries/" + delivery + "/redeliver", allToken, null));
        expect(400, get(one + "/deliveries", at + "/deliveries?state=lost", allToken));
        expect(200, send("PATCH", one, at, allToken, "{\"status\":\"enabled\"}"));
        expect(202, send("POST", redeliver, at + "/deliveries/" + delivery + "/redeliver", allToken, null));
        expect(404, send("POST", redeliver, at + "/deliveries/" + UUID.randomUUID() + "/redeliver", allToken, null));
        expect(200, send("POST", one + "/rotate-secret", at + "/rotate-secret", allToken, null));
        expect(200, get(one + "/deliveries", at + "/deliveries?limit=1", allToken));
        expect(200, send("DELETE", one, at, allToken, null));
    }

    /**
     * The website routes on a domain of their own (so that the test's domain stays free for the deletion below),
     * with a proxy upstream at a documentation address (public to the API, never contacted): each answer,
     * refusals included, as the document describes it.
     */
    private void websites(String operator) throws IOException {
        String sites = "/api/v1/websites";
        String one = sites + "/{id}";
        String site = "site-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        sql("insert into api.domains (name, tenant_id, status) values (?, ?, 'active')", site, tenant);
        Answer created = send(
                "POST",
                sites,
                sites,
                allToken,
                "{\"domain\":\"" + site + "\",\"aliases\":[\"www." + site + "\"],\"kind\":\"proxy\","
                        + "\"upstream\":\"http://203.0.113.10:8080/\",\"https\":\"redirect\"}");
        expect(202, created);
        assertThat(created.body().path("data").path("type").asString()).isEqualTo("website.apply");
        String id = created.body().path("data").path("resource").asString().replace("websites/", "");
        String at = sites + "/" + id;
        Answer shown = get(one, at, allToken);
        expect(200, shown);
        assertThat(shown.body().path("data").path("upstream_address").asString())
                .isEqualTo("203.0.113.10");
        assertThat(shown.body().path("data").path("status").asString()).isEqualTo("pending");

        // Refusals of a new website: its form, an internal upstream, names that are not the account's, a
        // domain that has a website or is not active, a name another website answers to.
        expect(
                400,
                send(
                        "POST",
                        sites,
                        sites,
                        allToken,
                        "{\"domain\":\"not a name\",\"kind\":\"php\",\"https\":\"sometimes\",\"root\":\"/etc\"}"));
        expect(
                400,
                send(
                        "POST",
                        sites,
                        sites,
                        allToken,
                        "{\"domain\":\"" + zone + "\",\"kind\":\"proxy\",\"upstream\":\"http://127.0.0.1:8080/\"}"));
        expect(
                404,
                send(
                        "POST",
                        sites,
                        sites,
                        allToken,
                        "{\"domain\":\"nobody-" + UUID.randomUUID().toString().substring(0, 8) + ".test\","
                                + "\"kind\":\"static\"}"));
        expect(
                404,
                send(
                        "POST",
                        sites,
                        sites,
                        allToken,
                        "{\"domain\":\"" + zone + "\",\"aliases\":[\"www.example.com\"],\"kind\":\"static\"}"));
        expect(409, send("POST", sites, sites, allToken, "{\"domain\":\"" + site + "\",\"kind\":\"static\"}"));
        Answer aliasTaken = send(
                "POST",
                sites,
                sites,
                allToken,
                "{\"domain\":\"" + zone + "\",\"aliases\":[\"www." + site + "\"],\"kind\":\"static\"}");
        expect(409, aliasTaken);
        assertThat(aliasTaken.body().path("errors").path(0).path("code").asString())
                .isEqualTo("NAME_IN_USE");
        for (String state : List.of("pending", "deleting")) {
            String name = state + "-" + UUID.randomUUID().toString().substring(0, 8) + ".test";
            sql("insert into api.domains (name, tenant_id, status) values (?, ?, ?)", name, tenant, state);
            Answer refused = send("POST", sites, sites, allToken, "{\"domain\":\"" + name + "\",\"kind\":\"static\"}");
            expect(409, refused);
            assertThat(refused.body().path("errors").path(0).path("code").asString())
                    .isEqualTo("DOMAIN_" + state.toUpperCase(Locale.ROOT));
        }
        expect(415, call("POST", sites, sites, allToken, "domain=x", MediaType.APPLICATION_FORM_URLENCODED));

        // A token limited to the test's domain: the website is not there for it, and its domain is refused.
        String limited = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"websites.read\",\"websites.write\"],\"allowed_domains\":[\"" + zone + "\"]}",
                        201)
                .path("data")
                .path("token")
                .asString();
        expect(403, send("POST", sites, sites, limited, "{\"domain\":\"" + site + "\",\"kind\":\"static\"}"));
        expect(
                403,
                send(
                        "POST",
                        sites,
                        sites,
                        limited,
                        "{\"domain\":\"" + zone + "\",\"aliases\":[\"www." + site + "\"],\"kind\":\"static\"}"));
        expect(404, get(one, at, limited));
        expect(404, send("PATCH", one, at, limited, "{\"https\":\"off\"}"));
        expect(404, send("DELETE", one, at, limited, null));
        Answer none = get(sites, sites, limited);
        expect(200, none);
        assertThat(none.body().path("data").path("items").size()).isZero();

        // Lists and reads.
        expect(400, get(sites, sites, operator));
        Answer listed = get(sites, sites + "?domain=" + site, allToken);
        expect(200, listed);
        assertThat(listed.body().path("data").path("items").path(0).path("id").asString())
                .isEqualTo(id);
        expect(200, get(sites, sites + "?limit=1", allToken));
        expect(400, get(sites, sites + "?limit=0", allToken));
        expect(400, get(sites, sites + "?cursor=abc", allToken));
        expect(404, get(one, sites + "/" + UUID.randomUUID(), allToken));
        expect(404, get(one, sites + "/not-an-id", allToken));

        // Changes: a merge patch to static (the upstream goes), then refusals.
        Answer patched = call(
                "PATCH",
                one,
                at,
                allToken,
                "{\"aliases\":null,\"kind\":\"static\",\"https\":\"off\"}",
                MediaType.parseMediaType("application/merge-patch+json"));
        expect(202, patched);
        assertThat(patched.body().path("data").path("type").asString()).isEqualTo("website.apply");
        Answer changed = get(one, at, allToken);
        expect(200, changed);
        assertThat(changed.body().path("data").path("kind").asString()).isEqualTo("static");
        assertThat(changed.body().path("data").path("upstream").isNull()).isTrue();
        assertThat(changed.body().path("data").path("aliases").size()).isZero();
        expect(400, send("PATCH", one, at, allToken, "{\"domain\":\"" + zone + "\"}"));
        expect(400, send("PATCH", one, at, allToken, "{\"kind\":\"proxy\",\"https\":5}"));
        expect(415, call("PATCH", one, at, allToken, "x", MediaType.TEXT_PLAIN));
        expect(404, send("PATCH", one, sites + "/" + UUID.randomUUID(), allToken, "{\"https\":\"off\"}"));

        // The website's domain cannot be deleted while it serves it; the website can.
        Answer inUse = send("DELETE", "/api/v1/domains/{domain}", "/api/v1/domains/" + site, allToken, null);
        expect(409, inUse);
        assertThat(inUse.body().path("errors").path(0).path("code").asString()).isEqualTo("DOMAIN_IN_USE");
        Answer deleted = send("DELETE", one, at, allToken, null);
        expect(202, deleted);
        assertThat(deleted.body().path("data").path("type").asString()).isEqualTo("website.delete");
        Answer deleting = get(one, at, allToken);
        expect(200, deleting);
        assertThat(deleting.body().path("data").path("status").asString()).isEqualTo("deleting");
        expect(404, send("DELETE", one, sites + "/" + UUID.randomUUID(), allToken, null));
    }

    /** A platform operator token: no tenant, {@code platform.admin}. */
    private String operatorToken() {
        return tokens.issue(io.hostplane.api.tokens.TokenStore.TokenSpec.simple(
                        null, "operator", "openapi test", List.of(Scope.PLATFORM_ADMIN.wireName())))
                .block()
                .token();
    }

    private static void expect(int status, Answer answer) {
        assertThat(answer.status()).as(answer.message()).isEqualTo(status);
    }

    private Answer get(String path, String concretePath, String token) throws IOException {
        return call("GET", path, concretePath, token, null, MediaType.APPLICATION_JSON);
    }

    private Answer send(String method, String path, String concretePath, String token, String body) throws IOException {
        return call(method, path, concretePath, token, body, MediaType.APPLICATION_JSON);
    }

    @Test
    void theDocumentIsServedWithoutATokenAsJson() throws IOException {
        EntityExchangeResult<byte[]> result = http.get()
                .uri("/api/v1/openapi.json")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectHeader()
                .exists("X-Request-Id")
                .expectBody()
                .returnResult();
        JsonNode served = JsonMapper.builder().build().readTree(result.getResponseBody());
        assertThat(served.path("openapi").asString()).isEqualTo("3.1.0");
        assertThat(served).isEqualTo(document());
    }

    @Test
    void swaggerUiIsServedAtDocsWithoutAToken() {
        String page = http.get()
                .uri("/docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(page).contains("swagger-ui-bundle.js").contains("swagger-initializer.js");
        String initializer = http.get()
                .uri("/docs/swagger-initializer.js")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(initializer).contains("/api/v1/openapi.json").contains("persistAuthorization: true");
        for (String asset : List.of("/docs/swagger-ui-bundle.js", "/docs/swagger-ui-standalone-preset.js")) {
            http.get()
                    .uri(asset)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.parseMediaType("text/javascript"));
        }
        http.get()
                .uri("/docs/swagger-ui.css")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.parseMediaType("text/css"));
    }

    /** {@code GET /api/v1/jobs/{}}: every route of the application under /api/v1 and /oauth, by method. */
    private Set<String> mappedRoutes() {
        Set<String> routes = new TreeSet<>();
        for (RequestMappingInfo info : annotated.getHandlerMethods().keySet()) {
            Set<org.springframework.web.bind.annotation.RequestMethod> methods =
                    info.getMethodsCondition().getMethods();
            for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                String path = pattern.getPatternString();
                if (!isApi(path)) {
                    continue;
                }
                if (methods.isEmpty()) {
                    routes.add("ANY " + normalise(path));
                }
                methods.forEach(m -> routes.add(m.name() + " " + normalise(path)));
            }
        }
        for (RouterFunctionMapping mapping : functional) {
            if (mapping.getRouterFunction() != null) {
                for (RouterFunctionRoutes.Route route : RouterFunctionRoutes.of(mapping.getRouterFunction())) {
                    if (!isApi(route.path())) {
                        continue;
                    }
                    if (route.methods().isEmpty()) {
                        routes.add("ANY " + normalise(route.path()));
                    }
                    route.methods().forEach(m -> routes.add(m.name() + " " + normalise(route.path())));
                }
            }
        }
        return routes;
    }

    private static boolean isApi(String path) {
        return path.startsWith("/api/v1/") || path.startsWith("/oauth/");
    }

    /** Path variables by position only: {@code /jobs/{id}} and {@code /jobs/{jobId}} are one route. */
    private static String normalise(String path) {
        return path.replaceAll("\\{[^}]+}", "{}");
    }

    static JsonNode document() throws IOException {
        try (InputStream in = new ClassPathResource("openapi/openapi.json").getInputStream()) {
            return JsonMapper.builder().build().readTree(in);
        }
    }

    /** One documented operation, at its full path (the server URL that applies to it, then the path). */
    record Operation(String method, String path, List<String> scopes, boolean isPublic, Set<Integer> statuses) {

        String route() {
            return method + " " + normalise(path);
        }

        /** The path with its variables filled: the test's zone, a fresh id. */
        String concretePath(String zone) {
            return path.replace("{domain}", zone)
                    .replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static List<Operation> documentedOperations(JsonNode doc) {
        List<Operation> operations = new ArrayList<>();
        String rootServer = doc.path("servers").path(0).path("url").asString("/");
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            JsonNode item = path.getValue();
            String server = item.path("servers").path(0).path("url").asString(rootServer);
            String full = server.replaceAll("/+$", "") + path.getKey();
            for (Map.Entry<String, JsonNode> entry : item.properties()) {
                if (!METHODS.contains(entry.getKey())) {
                    continue;
                }
                JsonNode op = entry.getValue();
                List<String> scopes = new ArrayList<>();
                op.path("x-required-scopes").forEach(s -> scopes.add(s.asString()));
                boolean isPublic = op.has("security") && op.path("security").isEmpty();
                Set<Integer> statuses = new TreeSet<>();
                op.path("responses").propertyNames().forEach(code -> statuses.add(Integer.parseInt(code)));
                operations.add(
                        new Operation(entry.getKey().toUpperCase(Locale.ROOT), full, scopes, isPublic, statuses));
            }
        }
        return operations;
    }

    /** A status and, for a 403 from the scope check, the scope it named. */
    record Answer(int status, String lacksScope, String message, JsonNode body) {
        @Override
        public String toString() {
            return status + " (" + message + ")";
        }
    }

    /** Every answer seen whose status or body the document does not describe. */
    private final List<String> nonconforming = new ArrayList<>();

    private Answer call(Operation op, String token) throws IOException {
        return call(op.method(), op.path(), op.concretePath(zone), token, "{}", MediaType.APPLICATION_JSON);
    }

    /** Calls {@code concretePath} and checks the answer against the operation documented at {@code path}. */
    private Answer call(String method, String path, String concretePath, String token, String body, MediaType type)
            throws IOException {
        var spec = http.method(HttpMethod.valueOf(method)).uri(concretePath);
        if (token != null) {
            spec.header("Authorization", "Bearer " + token);
        }
        var ready = Set.of("POST", "PUT", "PATCH").contains(method) && body != null
                ? spec.contentType(type).bodyValue(body)
                : spec;
        EntityExchangeResult<byte[]> result = ready.exchange().expectBody().returnResult();
        int status = result.getStatus().value();
        byte[] bytes = result.getResponseBody();
        MediaType contentType = result.getResponseHeaders().getContentType();
        nonconforming.addAll(conformance()
                .problems(method, path, status, contentType == null ? null : contentType.toString(), bytes));
        JsonNode json = null;
        if (bytes != null && contentType != null && contentType.isCompatibleWith(MediaType.APPLICATION_JSON)) {
            json = JsonMapper.builder().build().readTree(bytes);
        }
        String message = json == null ? "" : json.path("message").asString("");
        var matcher =
                java.util.regex.Pattern.compile("^Token lacks scope (\\S+)\\.$").matcher(message);
        return new Answer(status, status == 403 && matcher.matches() ? matcher.group(1) : null, message, json);
    }

    private OpenApiConformance conformance;

    private OpenApiConformance conformance() throws IOException {
        if (conformance == null) {
            conformance = new OpenApiConformance();
        }
        return conformance;
    }
}
