package io.hostplane.api.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.io.IOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import tools.jackson.databind.JsonNode;

/**
 * Checks a record body before any job exists and normalises it: the name relative to the zone ({@code @}
 * for the apex), content parsed by dnsjava and written back in canonical presentation form. Every problem
 * is reported, each under its field's path.
 */
@Component
class DnsRecordValidator {

    static final Set<String> TYPES = Set.of("A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS");

    /** Longest character-string in a TXT record (RFC 1035 3.3). */
    static final int MAX_TXT_STRING = 255;

    /** Most octets of text a TXT record may hold, all its character-strings together (docs/dns.md). */
    static final int MAX_TXT_TOTAL = 4096;

    /** Types whose owner names may have labels with underscores (_dmarc, _sip._tcp, _acme-challenge). */
    static final Set<String> UNDERSCORE_TYPES = Set.of("TXT", "SRV", "CNAME");

    private final DnsProperties properties;

    DnsRecordValidator(DnsProperties properties) {
        this.properties = properties;
    }

    /** The TTL of a record that names none. */
    int defaultTtl() {
        return properties.defaultTtl();
    }

    /** The record, normalised, or the field errors; {@code prefix} names the body's place ({@code ""}, {@code changes[1].record.}). */
    Result validate(String zone, JsonNode body, String prefix) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            errors.add(new FieldError(
                    prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1),
                    ErrorCodes.INVALID,
                    "A record object is required."));
            return new Result(null, errors);
        }
        Name origin = name(zone + ".");
        String type = string(body, "type", prefix, errors, true);
        if (type != null) {
            type = type.toUpperCase(Locale.ROOT);
            if (!TYPES.contains(type)) {
                errors.add(
                        new FieldError(prefix + "type", ErrorCodes.UNSUPPORTED, "Type must be one of " + TYPES + "."));
                type = null;
            }
        }
        String rawName = string(body, "name", prefix, errors, true);
        Name owner = null;
        String relative = null;
        if (rawName != null) {
            owner = owner(rawName, origin, type, prefix, errors);
            if (owner != null) {
                relative = owner.equals(origin) ? "@" : owner.relativize(origin).toString();
            }
        }
        int ttl = ttl(body, prefix, errors);
        Integer priority = priority(body, type, prefix, errors);
        String content = string(body, "content", prefix, errors, true);
        if (owner != null && "CNAME".equals(type) && owner.equals(origin)) {
            errors.add(new FieldError(prefix + "name", ErrorCodes.INVALID, "A CNAME cannot be at the zone apex."));
        }
        String normalised = null;
        if (owner != null && type != null && content != null && errors.isEmpty()) {
            normalised = content(owner, origin, type, ttl, priority, content, prefix, errors);
        }
        if (!errors.isEmpty()) {
            return new Result(null, errors);
        }
        return new Result(new DnsRecord(null, relative, type, ttl, normalised, priority), List.of());
    }

    record Result(DnsRecord record, List<FieldError> errors) {}

    /**
     * The owner name as RFC 1035/1123 allow it in a zone: labels of letters, digits and hyphens (not first or last),
     * 1-63 octets, 255 in all (dnsjava checks the lengths); a wildcard only as the whole leftmost label; underscores
     * only for the types that use them (TXT, SRV, CNAME); no whitespace, control characters or escapes. Names are
     * given in the zone's presentation form or as Unicode (IDNA).
     */
    private Name owner(String raw, Name origin, String type, String prefix, List<FieldError> errors) {
        if (raw.chars().anyMatch(c -> Character.isWhitespace(c) || c == '\\')) {
            errors.add(new FieldError(prefix + "name", ErrorCodes.INVALID, "A name has no whitespace or backslashes."));
            return null;
        }
        try {
            String ascii = raw.equals("@")
                    ? "@"
                    : IDN.toASCII(raw, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            Name name = ascii.equals("@") ? origin : Name.fromString(ascii, origin);
            if (!name.subdomain(origin)) {
                errors.add(new FieldError(
                        prefix + "name",
                        ErrorCodes.NOT_IN_ZONE,
                        "Name " + raw + " is not within zone " + origin + "."));
                return null;
            }
            String problem = labelProblem(name, origin, type);
            if (problem != null) {
                errors.add(new FieldError(prefix + "name", ErrorCodes.INVALID, problem));
                return null;
            }
            return name;
        } catch (TextParseException | IllegalArgumentException e) {
            errors.add(new FieldError(prefix + "name", ErrorCodes.INVALID, "Not a valid DNS name: " + e.getMessage()));
            return null;
        }
    }

    /** What is wrong with the labels below the zone, or null. */
    static String labelProblem(Name name, Name origin, String type) {
        int below = name.labels() - origin.labels();
        for (int i = 0; i < below; i++) {
            String label = name.getLabelString(i);
            if (label.equals("*")) {
                if (i != 0) {
                    return "A wildcard (*) may only be the leftmost label.";
                }
                continue;
            }
            for (int k = 0; k < label.length(); k++) {
                char c = label.charAt(k);
                boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (letterOrDigit) {
                    continue;
                }
                if (c == '-' && k > 0 && k < label.length() - 1) {
                    continue;
                }
                if (c == '_' && (type == null || UNDERSCORE_TYPES.contains(type))) {
                    continue;
                }
                if (c == '_') {
                    return "Underscores are allowed in names of " + UNDERSCORE_TYPES + " records only.";
                }
                return "Label '" + label + "' may hold letters, digits and hyphens (not first or last) only.";
            }
        }
        return null;
    }

    /** A character below U+0020, DEL, or a C1 control character. */
    static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
    }

    private int ttl(JsonNode body, String prefix, List<FieldError> errors) {
        JsonNode node = body.get("ttl");
        if (node == null || node.isNull()) {
            return properties.defaultTtl();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            errors.add(new FieldError(prefix + "ttl", ErrorCodes.INVALID, "TTL must be a whole number of seconds."));
            return properties.defaultTtl();
        }
        int ttl = node.intValue();
        if (ttl < properties.minTtl()) {
            errors.add(new FieldError(
                    prefix + "ttl", ErrorCodes.TOO_SMALL, "TTL must be at least " + properties.minTtl() + " seconds."));
        } else if (ttl > properties.maxTtl()) {
            errors.add(new FieldError(
                    prefix + "ttl", ErrorCodes.TOO_LARGE, "TTL must be at most " + properties.maxTtl() + " seconds."));
        }
        return ttl;
    }

    private static Integer priority(JsonNode body, String type, String prefix, List<FieldError> errors) {
        JsonNode node = body.get("priority");
        boolean needed = "MX".equals(type) || "SRV".equals(type);
        if (node == null || node.isNull()) {
            if (needed) {
                errors.add(
                        new FieldError(prefix + "priority", ErrorCodes.REQUIRED, type + " records need a priority."));
            }
            return null;
        }
        if (!needed) {
            errors.add(new FieldError(
                    prefix + "priority", ErrorCodes.INVALID, "Only MX and SRV records have a priority."));
            return null;
        }
        if (!node.isIntegralNumber() || node.intValue() < 0 || node.intValue() > 65535) {
            errors.add(
                    new FieldError(prefix + "priority", ErrorCodes.INVALID, "Priority must be between 0 and 65535."));
            return null;
        }
        return node.intValue();
    }

    private static String content(
            Name owner,
            Name origin,
            String type,
            int ttl,
            Integer priority,
            String content,
            String prefix,
            List<FieldError> errors) {
        String text = priority == null ? content : priority + " " + content;
        if ("TXT".equals(type) && !content.startsWith("\"")) {
            text = quotedStrings(content);
        }
        try {
            Record record = Record.fromString(owner, Type.value(type), DClass.IN, ttl, text, origin);
            if (record instanceof TXTRecord txt) {
                int total = 0;
                for (byte[] string : txt.getStringsAsByteArrays()) {
                    if (string.length > MAX_TXT_STRING) {
                        errors.add(new FieldError(
                                prefix + "content",
                                ErrorCodes.INVALID,
                                "A quoted TXT string holds at most " + MAX_TXT_STRING
                                        + " octets; split it, or send the text unquoted to have it split."));
                        return null;
                    }
                    total += string.length;
                }
                if (total > MAX_TXT_TOTAL) {
                    errors.add(new FieldError(
                            prefix + "content",
                            ErrorCodes.TOO_LARGE,
                            "A TXT record holds at most " + MAX_TXT_TOTAL + " octets of text."));
                    return null;
                }
            }
            if (record instanceof AAAARecord aaaa) {
                return compressed(aaaa.getAddress().getHostAddress());
            }
            if (record instanceof MXRecord mx) {
                return mx.getTarget().toString();
            }
            if (record instanceof SRVRecord srv) {
                return srv.getWeight() + " " + srv.getPort() + " " + srv.getTarget();
            }
            if (record instanceof CNAMERecord cname) {
                return cname.getTarget().toString();
            }
            if (record instanceof NSRecord ns) {
                return ns.getTarget().toString();
            }
            return record.rdataToString();
        } catch (IOException | IllegalArgumentException e) {
            errors.add(new FieldError(
                    prefix + "content", ErrorCodes.INVALID, "Invalid " + type + " content: " + e.getMessage()));
            return null;
        }
    }

    /**
     * Unquoted TXT content is one text (as users paste an SPF or DKIM value), not whitespace-separated
     * strings: it becomes quoted character-strings of at most 255 bytes each, which resolvers join again.
     */
    static String quotedStrings(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (int from = 0; from < bytes.length; from += MAX_TXT_STRING) {
            if (from > 0) {
                out.append(' ');
            }
            out.append('"');
            for (int i = from; i < Math.min(bytes.length, from + MAX_TXT_STRING); i++) {
                int b = bytes[i] & 0xff;
                if (b == '"' || b == '\\') {
                    out.append('\\').append((char) b);
                } else if (b < 0x20 || b >= 0x7f) {
                    out.append(String.format(Locale.ROOT, "\\%03d", b));
                } else {
                    out.append((char) b);
                }
            }
            out.append('"');
        }
        return out.isEmpty() ? "\"\"" : out.toString();
    }

    /** An IPv6 address in RFC 5952 form: lower case, no leading zeros, the longest run of zero groups as ::. */
    static String compressed(String address) {
        String[] groups = address.split(":");
        int bestStart = -1;
        int bestLength = 0;
        for (int i = 0; i < groups.length; ) {
            if (Integer.parseInt(groups[i], 16) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < groups.length && Integer.parseInt(groups[j], 16) == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < groups.length; i++) {
            if (bestLength >= 2 && i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(Integer.parseInt(groups[i], 16)));
        }
        return out.toString();
    }

    private static String string(
            JsonNode body, String field, String prefix, List<FieldError> errors, boolean required) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(new FieldError(prefix + field, ErrorCodes.REQUIRED, field + " is required."));
            }
            return null;
        }
        if (!node.isString() || node.asString().isBlank()) {
            errors.add(new FieldError(prefix + field, ErrorCodes.INVALID, field + " must be a non-empty string."));
            return null;
        }
        // Checked before trimming, which would quietly drop control characters at either end.
        if (hasControlCharacter(node.asString())) {
            errors.add(new FieldError(
                    prefix + field,
                    ErrorCodes.INVALID,
                    field + " must not contain control characters (line breaks, tabs, NUL)."));
            return null;
        }
        return node.asString().trim();
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
