package io.hostplane.api.users;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import io.hostplane.api.tokens.TokenService;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/users}: a username of the allowed characters, a strong enough password,
 * scopes that exist. What depends on the caller (scopes it holds, whether it may name a tenant) is the
 * route's to say.
 *
 * @param username the username, lower-cased
 * @param password the password
 * @param scopes the scopes' wire names; null to give the user the caller's
 * @param tenant the tenant named, if it is a string; else null
 * @param tenantGiven whether the body has a {@code tenant} member at all
 */
record NewUserBody(String username, String password, List<String> scopes, String tenant, boolean tenantGiven) {

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@+-]{2,63}");

    /** Binds the body; a 400 naming each member that is missing or of the wrong type. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static NewUserBody from(JsonNode body) {
        return RequestFields.bind(body, "The user request is invalid.", NewUserBody::read);
    }

    private static NewUserBody read(RequestFields fields) {
        String username = text(fields, "username");
        if (username != null) {
            username = username.toLowerCase(Locale.ROOT);
            if (!USERNAME.matcher(username).matches()) {
                fields.reject(
                        "username",
                        ErrorCodes.INVALID,
                        "3 to 64 characters: letters, digits and . _ @ + - (an e-mail address works).");
            }
        }
        String password = text(fields, "password");
        if (password != null && Passwords.problem(password) != null) {
            fields.reject("password", ErrorCodes.INVALID, Passwords.problem(password));
        }
        List<String> scopes = fields.has("scopes") ? TokenService.strings(fields, "scopes", true) : null;
        if (scopes != null) {
            // Checked here so that unknown scopes are listed with the other members' problems.
            List<FieldError> unknown = new ArrayList<>();
            TokenService.scopes(scopes, true, unknown);
            unknown.forEach(e -> fields.reject(e.field(), e.code(), e.message()));
        }
        // Whether a tenant of another type is missing or not allowed depends on the caller.
        String tenant = fields.textOrNull("tenant");
        return new NewUserBody(username, password, scopes, tenant, fields.has("tenant"));
    }

    private static String text(RequestFields fields, String field) {
        if (!fields.given(field)) {
            fields.reject(field, ErrorCodes.REQUIRED, field + " is required.");
            return null;
        }
        return fields.text(field, ErrorCodes.INVALID, field + " must be a string.");
    }
}
