package io.hostplane.api.tokens;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param pepper server secret mixed into every token hash, so that a copy of the token table alone cannot be
 *     used to test guesses; at least 32 characters; never logged
 */
@ConfigurationProperties("hostplane.tokens")
public record TokenProperties(String pepper) {

    public TokenProperties {
        if (pepper == null || pepper.length() < 32) {
            throw new IllegalStateException(
                    "hostplane.tokens.pepper (HOSTPLANE_TOKENS_PEPPER) must be set to a secret of at least 32 characters");
        }
    }

    @Override
    public String toString() {
        return "TokenProperties[pepper=<hidden>]";
    }
}
