package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiApplication;
import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.CountedStatements;
import io.hostplane.embedded.TestInfrastructure;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A 403 is decided before any data is read: with the caller's token already known, a request lacking the
 * route's scope makes no database call at all (every repository goes through the one {@code DatabaseClient},
 * which is counted here).
 */
@SpringBootTest(
        classes = ApiApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            ApiApplication.CONFIG_NAME,
            ApiIntegrationTest.PEPPER,
            "hostplane.tokens.cache-ttl=900ms",
            // No background database work while the test counts: the relay, the callback dispatcher, the long-poll
            // sweep and the last-used writer wait.
            "hostplane.outbox.recovery-interval=1h",
            "hostplane.callbacks.poll-interval=1h",
            "hostplane.jobs.wait-sweep-interval-ms=3600000",
            "hostplane.tokens.last-used-flush=1h"
        })
@Import(CountedStatements.class)
class ScopeBeforeDataTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
    }

    @Autowired
    Environment env;

    @Autowired
    io.hostplane.api.tokens.TokenStore tokens;

    @Test
    void aMissingScopeIsRefusedWithoutTouchingTheDatabase() {
        WebTestClient http = ApiIntegrationTest.client(Integer.parseInt(env.getProperty("local.server.port")));
        String profileOnly = tokens.issue(io.hostplane.api.tokens.TokenStore.TokenSpec.simple(
                        null, "tester", "t", java.util.List.of("profile.read")))
                .block()
                .token();
        ApiIntegrationTest.exchange(http, HttpMethod.GET, "/api/v1/system/hello", profileOnly, null, 200);

        // Start-up work (the relay's first look at the outbox) is over once no statement has come for 300 ms.
        int[] seen = {-1};
        await("no statement for 300 ms")
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .during(Duration.ofMillis(300))
                .until(() -> {
                    int now = CountedStatements.all();
                    boolean quiet = now == seen[0];
                    seen[0] = now;
                    return quiet;
                });
        int before = CountedStatements.all();
        ApiIntegrationTest.exchange(
                http, HttpMethod.GET, "/api/v1/domains/example.test/dns/records", profileOnly, null, 403);
        ApiIntegrationTest.exchange(http, HttpMethod.GET, "/api/v1/jobs", profileOnly, null, 403);
        ApiIntegrationTest.exchange(
                http, HttpMethod.POST, "/api/v1/domains", profileOnly, "{\"name\":\"x.test\"}", 403);
        ApiIntegrationTest.exchange(http, HttpMethod.GET, "/api/v1/websites", profileOnly, null, 403);
        ApiIntegrationTest.exchange(
                http,
                HttpMethod.POST,
                "/api/v1/websites",
                profileOnly,
                "{\"domain\":\"x.test\",\"kind\":\"static\"}",
                403);
        ApiIntegrationTest.exchange(
                http,
                HttpMethod.DELETE,
                "/api/v1/websites/0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b",
                profileOnly,
                null,
                403);
        assertThat(CountedStatements.all()).isEqualTo(before);

        // The counter does see request-driven reads: a permitted read that needs the database moves it.
        ApiIntegrationTest.exchange(
                http,
                HttpMethod.GET,
                "/api/v1/tokens",
                tokens.issue(io.hostplane.api.tokens.TokenStore.TokenSpec.simple(
                                null, "op", "t", java.util.List.of("platform.admin")))
                        .block()
                        .token(),
                null,
                200);
        assertThat(CountedStatements.all()).isGreaterThan(before);
    }
}
