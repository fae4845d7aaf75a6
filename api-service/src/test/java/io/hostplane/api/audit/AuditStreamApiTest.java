package io.hostplane.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.SslTestCertificates;
import io.hostplane.api.testing.TlsTestServer;
import io.hostplane.common.audit.ChainLink;
import io.hostplane.common.crypto.SealedBox;
import io.hostplane.common.event.EventTypes;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/audit/streams} on the API alone: definitions saved synchronously, credentials sealed and never
 * shown again, sinks probed for real (a TLS server on loopback presenting a certificate of a test CA), every
 * refusal in the envelope with nothing saved. Delivery itself is the audit service's (its own tests).
 */
class AuditStreamApiTest extends ApiIntegrationTest {

    static final SslTestCertificates.Issued CA = SslTestCertificates.ca(null, "Hostplane streams test CA");
    static final SslTestCertificates.Issued OTHER_CA = SslTestCertificates.ca(null, "Someone else's CA");
    static final SslTestCertificates.Issued LEAF = SslTestCertificates.issue(
            CA,
            SslTestCertificates.rsa(2048),
            "127.0.0.1",
            List.of("127.0.0.1"),
            Instant.now().minusSeconds(3600),
            Instant.now().plusSeconds(86400),
            false);
    static TlsTestServer sink;

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    SealedBox box;

    @BeforeAll
    static void startSink() throws Exception {
        sink = new TlsTestServer(LEAF, CA);
    }

    @AfterAll
    static void stopSink() throws Exception {
        sink.close();
    }

    static String body(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return JSON.writeValueAsString(map);
    }

    String syslog(Object... more) {
        Object[] base = {"kind", "syslog", "host", "127.0.0.1", "port", sink.port(), "ca_pem", CA.certificatePem()};
        Object[] all = new Object[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return body(all);
    }

    @Test
    void aSyslogStreamIsSavedShownWithoutItsCaAndAudited() {
        int before = sink.handshakes();
        JsonNode created = json(
                        HttpMethod.POST,
                        "/api/v1/audit/streams",
                        allToken,
                        syslog("types", List.of(EventTypes.TOKEN_CREATED), "description", "to the SIEM"),
                        201)
                .path("data");
        String id = created.path("id").asString();
        assertThat(sink.handshakes())
                .as("the sink was probed with a real handshake")
                .isGreaterThan(before);
        assertThat(created.path("tenant").asString()).isEqualTo(tenant);
        assertThat(created.path("status").asString()).isEqualTo("active");
        assertThat(created.path("types").get(0).asString()).isEqualTo(EventTypes.TOKEN_CREATED);
        assertThat(created.path("ca").path("fingerprint").asString())
                .isEqualTo(HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha(CA.certificate())));

        String shown = exchange(HttpMethod.GET, "/api/v1/audit/streams/" + id, allToken, null, 200)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(shown).contains(id).doesNotContain("BEGIN CERTIFICATE").doesNotContain("ca_pem");
        assertThat(json(HttpMethod.GET, "/api/v1/audit/streams", allToken, null, 200)
                        .path("data")
                        .path("items")
                        .get(0)
                        .path("id")
                        .asString())
                .isEqualTo(id);

        // The stream's fact, among the records that name it (the request's own record names it too, and may come
        // first: it is not published through the same path).
        String fact =
                auditValues(id, found -> found.stream().anyMatch(v -> v.contains(EventTypes.AUDIT_STREAM_CHANGED)))
                        .stream()
                        .filter(v -> v.contains(EventTypes.AUDIT_STREAM_CHANGED))
                        .findFirst()
                        .orElseThrow();
        assertThat(fact)
                .contains(EventTypes.AUDIT_STREAM_CHANGED)
                .contains("\"action\":\"created\"")
                .contains("127.0.0.1")
                .doesNotContain("BEGIN CERTIFICATE");
    }

    @Test
    void anHttpStreamKeepsItsTokenSealedAndItsUrlOutOfTheAuditLog() throws Exception {
        String token = "hec-" + UUID.randomUUID();
        String url = "https://127.0.0.1:" + sink.port() + "/services/collector/event?channel=path-secret-marker";
        JsonNode created = json(
                        HttpMethod.POST,
                        "/api/v1/audit/streams",
                        allToken,
                        body(
                                "kind",
                                "http",
                                "url",
                                url,
                                "token",
                                token,
                                "token_type",
                                "splunk",
                                "ca_pem",
                                CA.certificatePem()),
                        201)
                .path("data");
        String id = created.path("id").asString();
        assertThat(created.toString()).doesNotContain(token);
        assertThat(created.path("token").path("type").asString()).isEqualTo("splunk");
        assertThat(created.path("token").path("fingerprint").asString())
                .isEqualTo(HexFormat.of()
                        .formatHex(ChainLink.sha256(token.getBytes(StandardCharsets.UTF_8)))
                        .substring(0, 16));

        byte[] sealed;
        try (var c = connection();
                PreparedStatement s = c.prepareStatement(
                        "select token_sealed, t::text from api.audit_streams t where id = ?::uuid")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                sealed = rs.getBytes(1);
                assertThat(rs.getString(2)).doesNotContain(token);
            }
        }
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(token);
        // What the audit service does to deliver: the box opens for this stream's token only.
        assertThat(box.openText(sealed, AuditStreamController.context(UUID.fromString(id), "token")))
                .isEqualTo(token);

        assertThat(auditValues(id, 1).get(0)).doesNotContain(token).doesNotContain("path-secret-marker");
    }

    @Test
    void sinksThatAreInternalUnreachableOrUnverifiedAreRefusedWithNothingSaved() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        assertRefused(body("kind", "syslog", "host", "127.0.0.1", "port", sink.port()), 400, "host", "TLS_UNVERIFIED");
        assertRefused(
                body("kind", "syslog", "host", "127.0.0.1", "port", sink.port(), "ca_pem", OTHER_CA.certificatePem()),
                400,
                "ca_pem",
                "TLS_UNVERIFIED");
        assertRefused(body("kind", "syslog", "host", "10.1.2.3", "port", 6514), 400, "host", "INVALID");
        assertRefused(body("kind", "http", "url", "https://10.1.2.3/services/collector"), 400, "url", "INVALID");
        assertRefused(body("kind", "syslog", "host", "127.0.0.1", "port", closedPort), 400, "host", "SINK_UNREACHABLE");
        assertRefused(syslog("types", List.of("io.hostplane.nothing.v1")), 400, "types[0]", "INVALID");
        assertRefused(syslog("colour", "blue"), 400, "colour", "UNSUPPORTED");
        assertRefused(syslog("url", "https://example.com/"), 400, "url", "UNSUPPORTED");
        assertRefused(body("host", "127.0.0.1", "port", sink.port()), 400, "kind", "REQUIRED");
        assertRefused(
                body("kind", "syslog", "host", "127.0.0.1", "port", sink.port(), "ca_pem", "not a certificate"),
                400,
                "ca_pem",
                "INVALID");
        assertRefused(body("kind", "http", "url", "ftp://127.0.0.1/"), 400, "url", "INVALID");
        assertRefused(syslog("tenant", "t_someoneelse"), 403, "tenant", "TENANT_FORBIDDEN");
        assertThat(count("select count(*) from api.audit_streams where tenant = '" + tenant + "'"))
                .isZero();
    }

    @Test
    void onlyTheAuditStreamScopeAndOnlyTheOwnTenantOrAnOperator() throws Exception {
        String reader = token(tenant, "audit.read");
        exchange(HttpMethod.GET, "/api/v1/audit/streams", reader, null, 403);
        exchange(HttpMethod.POST, "/api/v1/audit/streams", reader, syslog(), 403);

        String operator = token(null, "platform.admin", "audit.stream");
        JsonNode forTenant = json(HttpMethod.POST, "/api/v1/audit/streams", operator, syslog("tenant", tenant), 201)
                .path("data");
        assertThat(forTenant.path("tenant").asString()).isEqualTo(tenant);
        JsonNode everyone = json(HttpMethod.POST, "/api/v1/audit/streams", operator, syslog(), 201)
                .path("data");
        assertThat(everyone.path("tenant").isNull()).isTrue();
        assertRefusedAs(operator, syslog("tenant", "t_doesnotexist"), 400, "tenant", "INVALID");

        // The tenant sees the stream of its own events, not the operator's stream of everyone's.
        String listed = json(HttpMethod.GET, "/api/v1/audit/streams", allToken, null, 200)
                .path("data")
                .toString();
        assertThat(listed)
                .contains(forTenant.path("id").asString())
                .doesNotContain(everyone.path("id").asString());
        exchange(HttpMethod.GET, "/api/v1/audit/streams/" + everyone.path("id").asString(), allToken, null, 404);
        exchange(HttpMethod.GET, "/api/v1/audit/streams?tenant=t_other", allToken, null, 403);
        json(HttpMethod.DELETE, "/api/v1/audit/streams/" + everyone.path("id").asString(), operator, null, 200);
    }

    @Test
    void aMergePatchChangesTypesAndCredentialsPauseResumeAndDelete() throws Exception {
        String id = json(HttpMethod.POST, "/api/v1/audit/streams", allToken, syslog(), 201)
                .path("data")
                .path("id")
                .asString();
        JsonNode patched = json(
                        HttpMethod.PATCH,
                        "/api/v1/audit/streams/" + id,
                        allToken,
                        body("types", List.of(EventTypes.TOKEN_REVOKED), "description", "narrower"),
                        200)
                .path("data");
        assertThat(patched.path("types").get(0).asString()).isEqualTo(EventTypes.TOKEN_REVOKED);
        assertThat(patched.path("description").asString()).isEqualTo("narrower");
        assertThat(patched.path("ca").path("fingerprint").asString())
                .as("the CA is kept")
                .isNotEmpty();

        assertRefusedAt(
                HttpMethod.PATCH, "/api/v1/audit/streams/" + id, body("kind", "http"), 400, "kind", "UNSUPPORTED");
        assertRefusedAt(
                HttpMethod.PATCH, "/api/v1/audit/streams/" + id, body("tenant", tenant), 400, "tenant", "UNSUPPORTED");
        // Without its CA the sink no longer verifies: refused, and the CA is still there.
        assertRefusedAt(
                HttpMethod.PATCH, "/api/v1/audit/streams/" + id, body("ca_pem", null), 400, "host", "TLS_UNVERIFIED");
        assertThat(json(HttpMethod.GET, "/api/v1/audit/streams/" + id, allToken, null, 200)
                        .path("data")
                        .path("ca")
                        .isObject())
                .isTrue();

        assertThat(json(HttpMethod.POST, "/api/v1/audit/streams/" + id + "/pause", allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("paused");
        assertThat(json(HttpMethod.POST, "/api/v1/audit/streams/" + id + "/resume", allToken, null, 200)
                        .path("data")
                        .path("status")
                        .asString())
                .isEqualTo("active");
        assertThat(auditValues(
                                id,
                                found -> found.stream()
                                                .filter(v -> v.contains(EventTypes.AUDIT_STREAM_CHANGED))
                                                .count()
                                        >= 4)
                        .stream()
                        .filter(v -> v.contains(EventTypes.AUDIT_STREAM_CHANGED))
                        .map(v -> JSON.readTree(v).path("data").path("action").asString())
                        .toList())
                .containsExactly("created", "updated", "paused", "resumed");

        json(HttpMethod.DELETE, "/api/v1/audit/streams/" + id, allToken, null, 200);
        exchange(HttpMethod.GET, "/api/v1/audit/streams/" + id, allToken, null, 404);
        exchange(HttpMethod.GET, "/api/v1/audit/streams/not-a-uuid", allToken, null, 404);
    }

    @Test
    void aTenantHasAtMostTheDocumentedNumberOfStreams() throws Exception {
        int max = Integer.parseInt(env.getProperty("hostplane.audit.streams.max-per-tenant", "10"));
        for (int i = 0; i < max; i++) {
            exchange(HttpMethod.POST, "/api/v1/audit/streams", allToken, syslog(), 201);
        }
        assertRefused(syslog(), 409, null, "STREAM_LIMIT");
        assertThat(count("select count(*) from api.audit_streams where tenant = '" + tenant + "'"))
                .isEqualTo(max);
    }

    private void assertRefused(String body, int status, String field, String code) {
        assertRefusedAs(allToken, body, status, field, code);
    }

    private void assertRefusedAs(String token, String body, int status, String field, String code) {
        JsonNode refused = json(HttpMethod.POST, "/api/v1/audit/streams", token, body, status);
        assertRefusal(refused, field, code);
    }

    private void assertRefusedAt(HttpMethod method, String path, String body, int status, String field, String code) {
        assertRefusal(json(method, path, allToken, body, status), field, code);
    }

    private static void assertRefusal(JsonNode refused, String field, String code) {
        assertThat(refused.path("data").isMissingNode() || refused.path("data").isNull())
                .isTrue();
        JsonNode error = refused.path("errors").get(0);
        assertThat(error.path("code").asString()).as(refused.toString()).isEqualTo(code);
        if (field != null) {
            assertThat(error.path("field").asString()).as(refused.toString()).isEqualTo(field);
        }
    }

    private static byte[] sha(java.security.cert.X509Certificate certificate) {
        try {
            return ChainLink.sha256(certificate.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
