package io.hostplane.api.tokens;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/tokens/{id}/rotate}, which may be left out.
 *
 * @param graceSeconds how long the old token still works, 0 to 86400; null for none
 */
record RotateTokenBody(Long graceSeconds) {

    /** Binds the body; a 400 on {@code grace_seconds} unless it is a whole number within range. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static RotateTokenBody from(JsonNode body) {
        return RequestFields.bind(
                body,
                "grace_seconds must be between 0 and 86400.",
                fields -> new RotateTokenBody(fields.integer("grace_seconds", 0, 86_400)));
    }
}
