package io.hostplane.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The checked-in OpenAPI document on its own: it validates (swagger-parser, the parser and validator that
 * openapi-generator's {@code validate} runs) with no message, and every operation says who may call it.
 */
@Tag("fast")
class OpenApiDocumentTest {

    private static String text() throws IOException {
        try (InputStream in = new ClassPathResource(OpenApiController.DOCUMENT).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void validatesWithNoMessages() throws IOException {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        SwaggerParseResult result = new OpenAPIParser().readContents(text(), null, options);
        assertThat(result.getMessages())
                .as("swagger-parser validation messages")
                .isEmpty();
        OpenAPI api = result.getOpenAPI();
        assertThat(api).isNotNull();
        assertThat(api.getSpecVersion()).isEqualTo(SpecVersion.V31);
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        assertThat(api.getComponents().getSecuritySchemes()).containsKeys("bearerAuth", "cookieAuth");
    }

    /**
     * Each operation has {@code x-required-scopes}, says the same in its description, and names the right
     * security: none when public, the bearer header for changes, the header or the cookie for reads (the
     * cookie authenticates reads only).
     */
    @Test
    void everyOperationStatesItsScopeAndSecurity() throws IOException {
        JsonNode doc = JsonMapper.builder().build().readTree(text());
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
                if (entry.getKey().equals("servers") || entry.getKey().equals("parameters")) {
                    continue;
                }
                String name = entry.getKey() + " " + path.getKey();
                JsonNode op = entry.getValue();
                JsonNode scopes = op.path("x-required-scopes");
                String description = op.path("description").asString("");
                JsonNode security = op.path("security");
                if (!scopes.isArray()) {
                    wrong.add(name + ": no x-required-scopes");
                    continue;
                }
                if (!op.path("operationId").isString()) {
                    wrong.add(name + ": no operationId");
                }
                for (JsonNode scope : scopes) {
                    if (!description.contains("`" + scope.asString() + "`")) {
                        wrong.add(name + ": description does not name scope " + scope.asString());
                    }
                }
                boolean isPublic = security.isArray() && security.isEmpty();
                if (isPublic) {
                    if (!scopes.isEmpty() || !description.contains("Public: no token needed.")) {
                        wrong.add(name + ": public, but its scopes or description say otherwise");
                    }
                    continue;
                }
                if (scopes.isEmpty() && !description.contains("Needs any valid token")) {
                    wrong.add(name + ": needs a token but no scope, and does not say so");
                }
                String expected = entry.getKey().equals("get")
                        ? "[{\"bearerAuth\":[]},{\"cookieAuth\":[]}]"
                        : "[{\"bearerAuth\":[]}]";
                if (!security.toString().equals(expected)) {
                    wrong.add(name + ": security " + security + ", expected " + expected);
                }
                if (!op.path("responses").has("401")) {
                    wrong.add(name + ": needs a token but documents no 401");
                }
                // GET /rate-limit reads the windows without counting against them: it never answers 429.
                if (!op.path("responses").has("429") && !description.contains("This request is not counted")) {
                    wrong.add(name + ": rate-limited but documents no 429");
                }
            }
        }
        assertThat(wrong).isEmpty();
    }
}
