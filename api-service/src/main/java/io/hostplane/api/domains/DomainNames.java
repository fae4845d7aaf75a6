package io.hostplane.api.domains;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises and checks a domain name: IDNs to punycode, lower case, no trailing dot, letters-digits-hyphen
 * labels, at least two labels; {@code .test} and {@code .example} only when configured.
 */
public final class DomainNames {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private DomainNames() {}

    /** The normalised name, or empty if {@code raw} is not a usable domain name. */
    public static Optional<String> normalise(String raw) {
        if (raw == null || raw.isBlank() || raw.length() > 253) {
            return Optional.empty();
        }
        String name = raw.trim();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        try {
            name = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }

    /** Why {@code name} (already normalised) may not be added, or empty if it may. */
    public static Optional<FieldError> refusal(String name, boolean allowReservedTlds) {
        String tld = name.substring(name.lastIndexOf('.') + 1);
        if (!allowReservedTlds
                && (tld.equals("test") || tld.equals("example") || tld.equals("invalid") || tld.equals("localhost"))) {
            return Optional.of(new FieldError("name", ErrorCodes.INVALID, "Names under ." + tld + " are reserved."));
        }
        return Optional.empty();
    }
}
