package io.hostplane.api.domains;

import com.google.common.net.InternetDomainName;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Normalises and checks a domain name: IDNs to punycode, lower case, no trailing dot, letters-digits-hyphen
 * labels, at least two labels, registrable per the Public Suffix List; {@code .test} and {@code .example}
 * only when configured.
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

    /**
     * Why {@code name} (already normalised) may not be added, or empty if it may. A name must lie under a
     * public suffix of the Public Suffix List (Guava's copy) without being one: {@code example.co.uk} and
     * {@code shop.example.co.uk} may be added, {@code co.uk}, {@code github.io} and a name under an unknown
     * TLD may not. The reserved TLDs of RFC 2606 ({@code .test}, {@code .example}, {@code .invalid},
     * {@code .localhost}) are refused unless {@code allowReservedTlds} (development and tests).
     */
    public static Optional<FieldError> refusal(String name, boolean allowReservedTlds) {
        String tld = name.substring(name.lastIndexOf('.') + 1);
        if (RESERVED_TLDS.contains(tld)) {
            return allowReservedTlds
                    ? Optional.empty()
                    : Optional.of(new FieldError("name", ErrorCodes.INVALID, "Names under ." + tld + " are reserved."));
        }
        InternetDomainName parsed;
        try {
            parsed = InternetDomainName.from(name);
        } catch (IllegalArgumentException e) {
            return Optional.of(new FieldError("name", ErrorCodes.INVALID, "Not a valid domain name."));
        }
        if (parsed.isPublicSuffix()) {
            return Optional.of(new FieldError(
                    "name",
                    ErrorCodes.NOT_REGISTRABLE,
                    name + " is a public suffix; add a domain registered under it instead."));
        }
        if (!parsed.isUnderPublicSuffix()) {
            return Optional.of(new FieldError(
                    "name",
                    ErrorCodes.NOT_REGISTRABLE,
                    name + " is not under a known top-level domain or public suffix."));
        }
        return Optional.empty();
    }

    private static final Set<String> RESERVED_TLDS = Set.of("test", "example", "invalid", "localhost");
}
