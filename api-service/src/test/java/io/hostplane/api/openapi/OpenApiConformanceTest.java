package io.hostplane.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The checker that {@link OpenApiRoutesTest} relies on does catch answers the document does not describe. */
@Tag("fast")
class OpenApiConformanceTest {

    private final OpenApiConformance conformance = new OpenApiConformance();

    OpenApiConformanceTest() throws IOException {}

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aConformingEnvelopePasses() {
        String me = "{\"success\":true,\"message\":\"Hello.\",\"data\":{\"tenant\":\"t_1\",\"token_id\":\"tok_1\","
                + "\"principal\":\"p\",\"scopes\":[\"dns.read\"],\"expires_at\":null,\"callback_secret\":null},"
                + "\"warnings\":[],\"request_id\":\"r\",\"timestamp\":\"2026-11-26T00:00:00Z\"}";
        assertThat(conformance.problems("GET", "/api/v1/me", 200, "application/json", bytes(me)))
                .isEmpty();
    }

    @Test
    void aMissingFieldAWrongTypeAnUndocumentedStatusAndAnUnknownRouteAreCaught() {
        String noRequestId =
                "{\"success\":true,\"message\":\"Hello.\",\"data\":{\"tenant\":\"t_1\",\"token_id\":\"tok_1\","
                        + "\"principal\":\"p\",\"scopes\":[],\"expires_at\":null,\"callback_secret\":null},"
                        + "\"warnings\":[],\"timestamp\":\"2026-11-26T00:00:00Z\"}";
        assertThat(conformance.problems("GET", "/api/v1/me", 200, "application/json", bytes(noRequestId)))
                .singleElement()
                .asString()
                .contains("request_id");
        String badStatus = "{\"success\":true,\"message\":\"Job.\",\"data\":{\"id\":\"x\",\"type\":\"t\","
                + "\"status\":\"done\",\"tenant\":\"t\",\"resource\":\"r\",\"created_at\":\"2026-11-26T00:00:00Z\","
                + "\"started_at\":null,\"finished_at\":null,\"attempts\":0,\"warnings\":[],\"error\":null,"
                + "\"result\":null,\"progress\":null},\"warnings\":[],\"request_id\":\"r\","
                + "\"timestamp\":\"2026-11-26T00:00:00Z\"}";
        assertThat(conformance.problems("GET", "/api/v1/jobs/{id}", 200, "application/json", bytes(badStatus)))
                .singleElement()
                .asString()
                .contains("done");
        assertThat(conformance.problems("GET", "/api/v1/me", 418, "application/json", bytes("{}")))
                .singleElement()
                .asString()
                .contains("status not documented");
        assertThat(conformance.problems("GET", "/api/v1/nowhere", 200, "application/json", bytes("{}")))
                .singleElement()
                .asString()
                .contains("no such operation");
    }
}
