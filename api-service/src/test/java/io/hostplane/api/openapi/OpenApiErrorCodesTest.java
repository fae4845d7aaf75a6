package io.hostplane.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.envelope.ErrorCode;
import io.hostplane.common.envelope.ErrorCode.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document lists the catalogue of codes ({@link ErrorCode}), and only it: the description of the
 * {@code code} of {@code FieldError}, {@code JobError} and {@code Warning} holds one line per code of that kind,
 * {@code - `CODE` (statuses): meaning} for a field error and {@code - `CODE`: meaning} for the others, in the
 * catalogue's order.
 */
@Tag("fast")
class OpenApiErrorCodesTest {

    private static final Map<String, Kind> SCHEMAS =
            Map.of("FieldError", Kind.FIELD_ERROR, "JobError", Kind.JOB_ERROR, "Warning", Kind.WARNING);

    /** A line of a code list in a description. */
    private static final Pattern CODE_LINE = Pattern.compile("^- `[^`]*`.*$", Pattern.MULTILINE);

    /** The line the document has for {@code code} in the list of its {@code kind}. */
    static String line(ErrorCode code, Kind kind) {
        String statuses = kind == Kind.FIELD_ERROR
                ? " (" + code.statuses().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")"
                : "";
        return "- `" + code.code() + "`" + statuses + ": " + code.meaning();
    }

    @Test
    void eachCodeDescriptionListsTheCatalogue() throws IOException {
        JsonNode schemas = document().path("components").path("schemas");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Kind> schema : SCHEMAS.entrySet()) {
            String description = schemas.path(schema.getKey())
                    .path("properties")
                    .path("code")
                    .path("description")
                    .asString("");
            List<String> listed =
                    CODE_LINE.matcher(description).results().map(m -> m.group()).toList();
            List<String> catalogued = ErrorCode.of(schema.getValue()).stream()
                    .map(code -> line(code, schema.getValue()))
                    .toList();
            if (!listed.equals(catalogued)) {
                List<String> missing = new ArrayList<>(catalogued);
                missing.removeAll(listed);
                List<String> extra = new ArrayList<>(listed);
                extra.removeAll(catalogued);
                wrong.add(schema.getKey() + ".code: not in the document " + missing + ", not in the catalogue " + extra
                        + (missing.isEmpty() && extra.isEmpty() ? ", out of the catalogue's order" : ""));
            }
        }
        assertThat(wrong)
                .as("the catalogue (ErrorCode) against the OpenAPI document")
                .isEmpty();
    }

    private static JsonNode document() throws IOException {
        try (InputStream in = new ClassPathResource(OpenApiController.DOCUMENT).getInputStream()) {
            return JsonMapper.builder().build().readTree(in);
        }
    }
}
