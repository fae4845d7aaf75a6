package io.hostplane.api.backups;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/backups}.
 *
 * @param domain the domain whose site to back up
 * @param label a label of at most {@link #MAX_LABEL} characters without control characters, or null
 */
record NewBackupBody(String domain, String label) {

    static final int MAX_LABEL = 100;

    private static final String DOMAIN = "The domain whose site to back up.";

    /** Binds the body; a 400 naming each member that is missing or not as described. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static NewBackupBody from(JsonNode body) {
        return RequestFields.bind(body, "The backup request is invalid; nothing was done.", NewBackupBody::read);
    }

    private static NewBackupBody read(RequestFields fields) {
        String domain = fields.requiredText("domain", ErrorCodes.REQUIRED, DOMAIN);
        if (domain != null && domain.isBlank()) {
            fields.reject("domain", ErrorCodes.REQUIRED, DOMAIN);
        }
        String label = fields.text("label", ErrorCodes.INVALID, "A label is a string.");
        if (label != null && label.length() > MAX_LABEL) {
            fields.reject("label", ErrorCodes.TOO_LARGE, "At most " + MAX_LABEL + " characters.");
            label = null;
        } else if (label != null && label.chars().anyMatch(Character::isISOControl)) {
            fields.reject("label", ErrorCodes.INVALID, "No control characters.");
            label = null;
        }
        return new NewBackupBody(domain, label);
    }
}
