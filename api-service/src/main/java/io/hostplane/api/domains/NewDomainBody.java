package io.hostplane.api.domains;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/domains}.
 *
 * @param name the domain to add, as given (normalised and checked by {@link DomainService})
 */
record NewDomainBody(String name) {

    /** Binds the body; a 400 on {@code name} unless it is a string. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static NewDomainBody from(JsonNode body) {
        return RequestFields.bind(
                body,
                "name is required.",
                fields -> new NewDomainBody(
                        fields.requiredText("name", ErrorCodes.REQUIRED, "A domain name is required.")));
    }
}
