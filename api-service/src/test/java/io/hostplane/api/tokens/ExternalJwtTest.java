package io.hostplane.api.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.hostplane.api.ApiApplication;
import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.accounts.AccountStore;
import io.hostplane.embedded.TestInfrastructure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * JWTs from a configured external issuer, checked against the issuer's JWKS served by a real HTTP server
 * on loopback: tenant and scopes come from the claims; bad signature, expiry, wrong audience and an
 * untrusted issuer are each a 401.
 */
@SpringBootTest(
        classes = ApiApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {ApiApplication.CONFIG_NAME, ApiIntegrationTest.PEPPER})
class ExternalJwtTest {

    private static final String ISSUER = "https://idp.example.test";
    private static final RSAKey KEY = generate("idp-1");
    private static final RSAKey STRANGER = generate("idp-1");
    private static final HttpServer JWKS = serve(new JWKSet(KEY.toPublicJWK()).toString());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
        registry.add("hostplane.auth.jwt.issuers[0].issuer", () -> ISSUER);
        registry.add(
                "hostplane.auth.jwt.issuers[0].jwks-uri",
                () -> "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks");
        registry.add("hostplane.auth.jwt.issuers[0].audience", () -> "hostplane");
    }

    @AfterAll
    static void stop() {
        JWKS.stop(0);
    }

    @Autowired
    Environment env;

    @Autowired
    AccountStore accounts;

    @Test
    void aTrustedIssuersJwtActsForTheTenantWithItsScopes() throws Exception {
        WebTestClient http = ApiIntegrationTest.client(Integer.parseInt(env.getProperty("local.server.port")));
        String tenant = accounts.create("jwt-" + UUID.randomUUID().toString().substring(0, 8))
                .block()
                .id();
        String jwt = sign(
                KEY,
                ISSUER,
                "hostplane",
                tenant,
                "profile.read dns.read",
                Instant.now().plusSeconds(300));

        JsonNode hello = ApiIntegrationTest.exchange(http, HttpMethod.GET, "/api/v1/system/hello", jwt, null, 200)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody()
                .path("data");
        assertThat(hello.path("tenant").asString()).isEqualTo(tenant);
        assertThat(hello.path("principal").asString()).isEqualTo("alice");
        assertThat(hello.path("scopes").toString()).contains("dns.read").doesNotContain("dns.write");
        ApiIntegrationTest.exchange(http, HttpMethod.GET, "/api/v1/jobs", jwt, null, 403);

        ApiIntegrationTest.exchange(
                http,
                HttpMethod.GET,
                "/api/v1/system/hello",
                sign(
                        STRANGER,
                        ISSUER,
                        "hostplane",
                        tenant,
                        "profile.read",
                        Instant.now().plusSeconds(300)),
                null,
                401);
        ApiIntegrationTest.exchange(
                http,
                HttpMethod.GET,
                "/api/v1/system/hello",
                sign(
                        KEY,
                        ISSUER,
                        "hostplane",
                        tenant,
                        "profile.read",
                        Instant.now().minusSeconds(600)),
                null,
                401);
        ApiIntegrationTest.exchange(
                http,
                HttpMethod.GET,
                "/api/v1/system/hello",
                sign(
                        KEY,
                        ISSUER,
                        "someone-else",
                        tenant,
                        "profile.read",
                        Instant.now().plusSeconds(300)),
                null,
                401);
        JsonNode untrusted = ApiIntegrationTest.exchange(
                        http,
                        HttpMethod.GET,
                        "/api/v1/system/hello",
                        sign(
                                KEY,
                                "https://evil.example.test",
                                "hostplane",
                                tenant,
                                "profile.read",
                                Instant.now().plusSeconds(300)),
                        null,
                        401)
                .expectBody(JsonNode.class)
                .returnResult()
                .getResponseBody();
        assertThat(untrusted.path("message").asString()).contains("not trusted");
        ApiIntegrationTest.exchange(
                http,
                HttpMethod.GET,
                "/api/v1/system/hello",
                sign(
                        KEY,
                        ISSUER,
                        "hostplane",
                        "t_doesnotexist",
                        "profile.read",
                        Instant.now().plusSeconds(300)),
                null,
                401);
    }

    private static String sign(RSAKey key, String issuer, String audience, String tenant, String scope, Instant expires)
            throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject("alice")
                .audience(audience)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(expires.minusSeconds(900)))
                .expirationTime(Date.from(expires))
                .claim("tenant", tenant)
                .claim("scope", scope)
                .build();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey generate(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer serve(String jwks) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/jwks", exchange -> {
                byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
