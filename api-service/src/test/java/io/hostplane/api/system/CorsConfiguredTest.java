package io.hostplane.api.system;

import io.hostplane.api.ApiApplication;
import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.embedded.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** With {@code hostplane.cors.allowed-origins} set, those origins (and only those) may call cross-origin. */
@SpringBootTest(
        classes = ApiApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            ApiApplication.CONFIG_NAME,
            ApiIntegrationTest.PEPPER,
            "hostplane.cors.allowed-origins=https://app.example"
        })
class CorsConfiguredTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
    }

    @Autowired
    Environment env;

    @Test
    void aConfiguredOriginGetsCorsHeadersAndOthersAreRefused() {
        WebTestClient http = ApiIntegrationTest.client(Integer.parseInt(env.getProperty("local.server.port")));
        http.options()
                .uri("/api/v1/system/hello")
                .header("Origin", "https://app.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("Access-Control-Allow-Origin", "https://app.example");
        http.options()
                .uri("/api/v1/system/hello")
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .doesNotExist("Access-Control-Allow-Origin");
    }
}
