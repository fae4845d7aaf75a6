package io.hostplane.api.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.fge.jsonschema.core.exceptions.ProcessingException;
import com.github.fge.jsonschema.core.report.LogLevel;
import com.github.fge.jsonschema.core.report.ProcessingMessage;
import com.github.fge.jsonschema.core.report.ProcessingReport;
import com.github.fge.jsonschema.main.JsonSchemaFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.core.io.ClassPathResource;

/**
 * Checks a real answer against the OpenAPI document: the status is one the operation lists, and a JSON body
 * matches the schema the document gives for that status. The schemas are JSON Schema; {@code type} lists,
 * {@code anyOf}, {@code allOf}, {@code enum}, {@code required} and {@code $ref} are what they rely on, which
 * the draft-04 validator here checks as 2020-12 would ({@code const} and {@code examples} it ignores).
 */
final class OpenApiConformance {

    private final JsonNode document;
    private final ObjectMapper json = new ObjectMapper();
    private final JsonSchemaFactory schemas = JsonSchemaFactory.byDefault();

    OpenApiConformance() throws IOException {
        try (InputStream in = new ClassPathResource("openapi/openapi.json").getInputStream()) {
            this.document = json.readTree(in);
        }
    }

    /**
     * What is wrong with this answer to {@code method} on the documented {@code path} (as in the document:
     * {@code /api/v1/jobs/{id}}); empty when it conforms.
     */
    List<String> problems(String method, String path, int status, String contentType, byte[] body) {
        List<String> problems = new ArrayList<>();
        String where = method + " " + path + " → " + status;
        JsonNode operation = document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            problems.add(where + ": the document has no such operation");
            return problems;
        }
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(status)));
        if (response.isMissingNode()) {
            problems.add(where + ": status not documented");
            return problems;
        }
        if (contentType == null || !contentType.startsWith("application/json") || body == null || body.length == 0) {
            return problems;
        }
        JsonNode schema = response.path("content").path("application/json").path("schema");
        if (schema.isMissingNode()) {
            problems.add(where + ": a JSON body, but the document gives it no JSON schema");
            return problems;
        }
        String pointer = schema.path("$ref").asText("");
        if (!pointer.startsWith("#/")) {
            return problems; // an inline schema (the document itself): nothing to check it against
        }
        try {
            JsonNode instance = json.readTree(body);
            ProcessingReport report =
                    schemas.getJsonSchema(document, pointer.substring(1)).validate(instance, true);
            for (ProcessingMessage message : report) {
                if (message.getLogLevel().compareTo(LogLevel.ERROR) >= 0) {
                    problems.add(where + ": body does not match " + pointer + ": " + message.asJson() + "\n  body: "
                            + instance);
                }
            }
        } catch (IOException | ProcessingException e) {
            problems.add(where + ": " + e);
        }
        return problems;
    }

    /** What keeps {@code body} from being the document's error envelope ({@code ErrorEnvelope}); empty if it is one. */
    List<String> errorEnvelopeProblems(byte[] body) {
        List<String> problems = new ArrayList<>();
        try {
            JsonNode instance = json.readTree(body);
            ProcessingReport report = schemas.getJsonSchema(document, "/components/schemas/ErrorEnvelope")
                    .validate(instance, true);
            for (ProcessingMessage message : report) {
                if (message.getLogLevel().compareTo(LogLevel.ERROR) >= 0) {
                    problems.add(message.getMessage());
                }
            }
        } catch (IOException | ProcessingException e) {
            problems.add("not JSON: " + e.getMessage());
        }
        return problems;
    }

    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? document.at(ref.substring(1)) : node;
    }
}
