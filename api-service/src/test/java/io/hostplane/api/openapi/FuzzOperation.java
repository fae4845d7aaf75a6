package io.hostplane.api.openapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * One operation of the OpenAPI document as {@link OpenApiFuzzTest} needs it: its parameters with their schemas,
 * its request body's media types and schema, and its documented responses; every {@code $ref} resolved.
 */
record FuzzOperation(
        OpenApiRoutesTest.Operation operation,
        List<Param> parameters,
        List<String> bodyTypes,
        JsonNode bodySchema,
        boolean bodyRequired,
        JsonNode bodyExample,
        JsonNode responses,
        JsonNode document) {

    /** A parameter: {@code in} is {@code path}, {@code query} or {@code header}. */
    record Param(String name, String in, boolean required, JsonNode schema) {}

    static FuzzOperation of(JsonNode document, OpenApiRoutesTest.Operation operation) {
        JsonNode item = document.path("paths").path(operation.path());
        JsonNode op = item.path(operation.method().toLowerCase(Locale.ROOT));
        List<Param> parameters = new ArrayList<>();
        List<JsonNode> declared = new ArrayList<>();
        item.path("parameters").forEach(declared::add);
        op.path("parameters").forEach(declared::add);
        for (JsonNode p : declared) {
            JsonNode parameter = resolve(document, p);
            parameters.add(new Param(
                    parameter.path("name").asString(),
                    parameter.path("in").asString(),
                    parameter.path("required").asBoolean(false),
                    resolve(document, parameter.path("schema"))));
        }
        JsonNode body = resolve(document, op.path("requestBody"));
        List<String> types = new ArrayList<>(body.path("content").propertyNames());
        JsonNode schema = null;
        JsonNode example = null;
        if (!types.isEmpty()) {
            JsonNode media = body.path("content").path(types.get(0));
            schema = resolve(document, media.path("schema"));
            if (media.has("example")) {
                example = media.path("example");
            } else if (media.path("examples").size() > 0) {
                example = resolve(document, media.path("examples").iterator().next())
                        .path("value");
            } else if (schema.path("examples").size() > 0) {
                example = schema.path("examples").path(0);
            }
        }
        return new FuzzOperation(
                operation,
                parameters,
                types,
                schema,
                body.path("required").asBoolean(false),
                example,
                op.path("responses"),
                document);
    }

    static JsonNode resolve(JsonNode document, JsonNode node) {
        JsonNode at = node;
        for (int i = 0; i < 20 && at.has("$ref"); i++) {
            at = document.at(at.path("$ref").asString().substring(1));
        }
        return at;
    }

    JsonNode resolve(JsonNode node) {
        return resolve(document, node);
    }

    List<Param> parameters(String in) {
        return parameters.stream().filter(p -> p.in().equals(in)).toList();
    }

    boolean hasJsonBody() {
        return bodyTypes.stream().anyMatch(t -> t.equals("application/json"));
    }

    boolean hasFormBody() {
        return bodyTypes.contains("application/x-www-form-urlencoded");
    }

    boolean hasTextBody() {
        return !bodyTypes.isEmpty() && !hasJsonBody() && !hasFormBody();
    }

    /**
     * The media types the document gives for {@code status} on this operation; empty when the status is not
     * documented for it.
     */
    List<String> responseTypes(int status) {
        JsonNode response = resolve(responses.path(Integer.toString(status)));
        return new ArrayList<>(response.path("content").propertyNames());
    }

    boolean documents(int status) {
        return responses.has(Integer.toString(status));
    }

    @Override
    public String toString() {
        return operation.toString();
    }
}
