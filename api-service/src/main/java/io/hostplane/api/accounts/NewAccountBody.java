package io.hostplane.api.accounts;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/accounts}.
 *
 * @param name the account's name: 2-63 lower-case letters, digits or hyphens, starting with a letter or digit
 */
record NewAccountBody(String name) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

    /** Binds the body; a 400 on {@code name} unless it is missing (REQUIRED) or such a name (INVALID). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static NewAccountBody from(JsonNode body) {
        return RequestFields.bind(body, "name must be 2-63 lower-case letters, digits or hyphens.", fields -> {
            String rule = "2-63 characters: a-z, 0-9, '-'; starting with a letter or digit.";
            String name =
                    fields.requiredText("name", fields.has("name") ? ErrorCodes.INVALID : ErrorCodes.REQUIRED, rule);
            if (name != null && !NAME.matcher(name).matches()) {
                fields.reject("name", ErrorCodes.INVALID, rule);
            }
            return new NewAccountBody(name);
        });
    }
}
