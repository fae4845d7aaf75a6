package io.hostplane.api.oauth;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import io.hostplane.api.tokens.TokenService;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /api/v1/oauth/requests}: an app asking for a token, for scopes that exist and that a
 * tenant's token may hold.
 *
 * @param appName the app's name, 1 to 100 printable characters, stripped
 * @param homepage the app's homepage, an absolute http(s) URL, or null
 * @param returnUrl where the browser returns after approval, an absolute http(s) URL, or null
 * @param scopes the scopes' wire names
 */
record OAuthRequestBody(String appName, String homepage, String returnUrl, List<String> scopes) {

    /** Binds the body; a 400 naming each member that is missing or not as described. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static OAuthRequestBody from(JsonNode body) {
        return RequestFields.bind(body, "The authorization request is invalid.", OAuthRequestBody::read);
    }

    private static OAuthRequestBody read(RequestFields fields) {
        String appName = null;
        String printable = "1 to 100 printable characters.";
        if (!fields.given("app_name")) {
            fields.reject("app_name", ErrorCodes.REQUIRED, "app_name is required.");
        } else {
            String name = fields.text("app_name", ErrorCodes.INVALID, printable);
            if (name != null
                    && (name.isBlank() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl))) {
                fields.reject("app_name", ErrorCodes.INVALID, printable);
            } else if (name != null) {
                appName = name.strip();
            }
        }
        String homepage = url(fields, "app_url_homepage");
        String returnUrl = url(fields, "app_url_return");
        List<String> scopes = TokenService.strings(fields, "scopes", true);
        if (scopes != null) {
            // Checked here so that unknown scopes are listed with the other members' problems.
            List<FieldError> unknown = new ArrayList<>();
            TokenService.scopes(scopes, true, unknown);
            unknown.forEach(e -> fields.reject(e.field(), e.code(), e.message()));
        }
        return new OAuthRequestBody(appName, homepage, returnUrl, scopes);
    }

    private static String url(RequestFields fields, String field) {
        String url = "An absolute http(s) URL of at most 2000 characters.";
        String text = fields.text(field, ErrorCodes.INVALID, url);
        if (text == null) {
            return null;
        }
        URI uri = text.length() > 2000 ? null : uriOrNull(text);
        if (uri == null
                || uri.getHost() == null
                || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
            fields.reject(field, ErrorCodes.INVALID, url);
            return null;
        }
        return uri.toString();
    }

    private static URI uriOrNull(String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
