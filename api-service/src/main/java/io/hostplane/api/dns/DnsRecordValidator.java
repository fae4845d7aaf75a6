package io.hostplane.api.dns;

import io.hostplane.api.system.RequestFields;
import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import tools.jackson.databind.JsonNode;

/**
 * Checks a record body before any job exists and normalises it: the name relative to the zone ({@code @}
 * for the apex), content parsed by dnsjava and written back in canonical presentation form. Every problem
 * is reported, each under its field's path.
 */
@Component
class DnsRecordValidator {

    static final Set<String> TYPES = Set.of("A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS", "PTR");

    /** Types whose owner names may have labels with underscores (_dmarc, _sip._tcp, _acme-challenge). */
    static final Set<String> UNDERSCORE_TYPES = Set.of("TXT", "SRV", "CNAME");

    /** Longest label, and longest name with the zone's labels and the root, in octets (RFC 1035 2.3.4). */
    static final int MAX_LABEL = 63;

    static final int MAX_NAME = 255;

    private final DnsProperties properties;

    DnsRecordValidator(DnsProperties properties) {
        this.properties = properties;
    }

    /** The TTL of a record that names none. */
    int defaultTtl() {
        return properties.defaultTtl();
    }

    /**
     * The record in {@code body}, normalised, or the field errors, those of its shape ({@link DnsRecordBody})
     * among them; {@code prefix} names the body's place ({@code ""}, {@code lines[3].}).
     */
    Result validate(String zone, JsonNode body, String prefix) {
        List<FieldError> errors = new ArrayList<>();
        DnsRecordBody record = DnsRecordBody.read(
                RequestFields.of(body, prefix.isEmpty() ? null : prefix.substring(0, prefix.length() - 1), errors));
        return record == null ? new Result(null, errors) : validate(zone, record, prefix, errors);
    }

    /**
     * The record, normalised, or the field errors: {@code problems}, those found in its shape, and its own;
     * {@code prefix} names the body's place ({@code ""}, {@code changes[1].record.}).
     */
    Result validate(String zone, DnsRecordBody body, String prefix, List<FieldError> problems) {
        List<FieldError> errors = new ArrayList<>(problems);
        Name origin = name(zone + ".");
        String type = body.type();
        if (type != null) {
            type = type.toUpperCase(Locale.ROOT);
            if (!TYPES.contains(type)) {
                errors.add(
                        new FieldError(prefix + "type", ErrorCodes.UNSUPPORTED, "Type must be one of " + TYPES + "."));
                type = null;
            }
        }
        Name owner = null;
        String relative = null;
        if (body.name() != null) {
            owner = owner(body.name(), origin, type, prefix, errors);
            if (owner != null) {
                relative = owner.equals(origin) ? "@" : owner.relativize(origin).toString();
            }
        }
        int ttl = ttl(body.ttl(), prefix, errors);
        String content = body.content();
        if (owner != null && "CNAME".equals(type) && owner.equals(origin)) {
            errors.add(new FieldError(prefix + "name", ErrorCodes.INVALID, "A CNAME cannot be at the zone apex."));
        }
        String normalised = null;
        if (owner != null && type != null && content != null && errors.isEmpty()) {
            normalised = DnsRecordContent.canonical(owner, origin, type, ttl, body.priority(), content, prefix, errors);
        }
        if (!errors.isEmpty()) {
            return new Result(null, errors);
        }
        return new Result(new DnsRecord(null, relative, type, ttl, normalised, body.priority()), List.of());
    }

    record Result(DnsRecord record, List<FieldError> errors) {}

    /**
     * The owner name as RFC 1035/1123 allow it in a zone: labels of letters, digits and hyphens (not first or last),
     * 1-63 octets, 255 in all with the zone; a wildcard only as the whole leftmost label; underscores only for the
     * types that use them (TXT, SRV, CNAME); no whitespace, control characters or escapes. Names are given in the
     * zone's presentation form or as Unicode (IDNA).
     */
    private Name owner(String raw, Name origin, String type, String prefix, List<FieldError> errors) {
        if (raw.chars().anyMatch(c -> Character.isWhitespace(c) || c == '\\')) {
            errors.add(new FieldError(prefix + "name", ErrorCodes.INVALID, "A name has no whitespace or backslashes."));
            return null;
        }
        try {
            // ASCII names skip IDNA, whose own length check would hide which rule a name breaks.
            boolean unicode = raw.chars().anyMatch(c -> c > 0x7f);
            String ascii = (unicode ? IDN.toASCII(raw, IDN.ALLOW_UNASSIGNED) : raw).toLowerCase(Locale.ROOT);
            String length = lengthProblem(ascii, origin);
            if (length != null) {
                errors.add(new FieldError(prefix + "name", ErrorCodes.INVALID, length));
                return null;
            }
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

    /**
     * A label over 63 octets or a name over 255 with the zone (RFC 1035 2.3.4: in wire form, each label with its
     * length octet, and the root), or null; {@code ascii} is relative to {@code origin} unless it ends with a dot.
     */
    static String lengthProblem(String ascii, Name origin) {
        if (ascii.equals("@")) {
            return null;
        }
        boolean absolute = ascii.endsWith(".");
        String[] labels = (absolute ? ascii.substring(0, ascii.length() - 1) : ascii).split("\\.", -1);
        int octets = absolute ? 1 : origin.length();
        for (String label : labels) {
            int length = label.getBytes(StandardCharsets.UTF_8).length;
            if (length > MAX_LABEL) {
                return "A label is at most " + MAX_LABEL + " octets (RFC 1035 2.3.4); one here has " + length + ".";
            }
            octets += length + 1;
        }
        if (octets > MAX_NAME) {
            return "A name is at most " + MAX_NAME + " octets with the zone (RFC 1035 2.3.4); this one would have "
                    + octets + ".";
        }
        return null;
    }

    /**
     * What is wrong with the labels below the zone, or null: the label rules of {@link #owner}, and those of the
     * type: an SRV record is at {@code _service._proto[.name]} (RFC 2782), an NS record not at a wildcard (RFC 4592
     * 4.2: a wildcard delegation is undefined).
     */
    static String labelProblem(Name name, Name origin, String type) {
        int below = name.labels() - origin.labels();
        for (int i = 0; i < below; i++) {
            String label = name.getLabelString(i);
            if (label.equals("*")) {
                if (i != 0) {
                    return "A wildcard (*) may only be the leftmost label.";
                }
                if ("NS".equals(type)) {
                    return "An NS record cannot be at a wildcard name (RFC 4592 4.2).";
                }
                continue;
            }
            boolean underscores = type == null || UNDERSCORE_TYPES.contains(type);
            if (!underscores && label.indexOf('_') >= 0) {
                return "Underscores are allowed in names of " + UNDERSCORE_TYPES + " records only.";
            }
            String problem = labelCharsProblem(label, underscores);
            if (problem != null) {
                return problem;
            }
        }
        if ("SRV".equals(type)
                && (below < 2
                        || !name.getLabelString(0).startsWith("_")
                        || !name.getLabelString(1).startsWith("_"))) {
            return "An SRV record's name is _service._protocol, maybe followed by a name (RFC 2782): _sip._tcp.";
        }
        return null;
    }

    /** What is wrong with the characters of one label, or null: letters, digits, hyphens not first or last. */
    static String labelCharsProblem(String label, boolean underscores) {
        for (int k = 0; k < label.length(); k++) {
            char c = label.charAt(k);
            boolean letterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (letterOrDigit || (c == '_' && underscores)) {
                continue;
            }
            if (c == '-' && k > 0 && k < label.length() - 1) {
                continue;
            }
            return "Label '" + label + "' may hold letters, digits and hyphens (not first or last)"
                    + (underscores ? " and underscores" : "") + " only.";
        }
        return null;
    }

    /** A character below U+0020, DEL, or a C1 control character. */
    static boolean hasControlCharacter(String text) {
        return text.chars().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
    }

    private int ttl(Integer ttl, String prefix, List<FieldError> errors) {
        if (ttl == null) {
            return properties.defaultTtl();
        }
        if (ttl < properties.minTtl()) {
            errors.add(new FieldError(
                    prefix + "ttl", ErrorCodes.TOO_SMALL, "TTL must be at least " + properties.minTtl() + " seconds."));
        } else if (ttl > properties.maxTtl()) {
            errors.add(new FieldError(
                    prefix + "ttl", ErrorCodes.TOO_LARGE, "TTL must be at most " + properties.maxTtl() + " seconds."));
        }
        return ttl;
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
