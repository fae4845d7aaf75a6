package io.hostplane.api.dns;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The content rules of each record type. dnsjava reads the content as the type's rdata first (an A is a
 * dotted quad without leading zeros, numbers in range, nothing left over); then the rules dnsjava does not
 * know: targets are host names, CAA tags and values are ones a CA reads, TXT sizes. What passes is returned
 * in one canonical form, which the worker sends to the DNS server as it is.
 */
final class DnsRecordContent {

    /** Longest character-string in a TXT record (RFC 1035 3.3). */
    static final int MAX_TXT_STRING = 255;

    /** Most octets of text a TXT record may hold, all its character-strings together (docs/dns.md). */
    static final int MAX_TXT_TOTAL = 4096;

    /**
     * CAA property tags a CA reads: RFC 8659 ({@code issue}, {@code issuewild}, {@code iodef}), RFC 9495
     * ({@code issuemail}), BIMI's {@code issuevmc}, and the CA/Browser Forum's {@code contactemail} and
     * {@code contactphone}. Tags are case-insensitive (RFC 8659 4.1) and kept in lower case.
     */
    static final Set<String> CAA_TAGS =
            Set.of("issue", "issuewild", "iodef", "issuemail", "issuevmc", "contactemail", "contactphone");

    /** The CAA tags whose value names an issuer. */
    private static final Set<String> CAA_ISSUER_TAGS = Set.of("issue", "issuewild", "issuemail", "issuevmc");

    /** The CAA flags byte: 0, or 128 (issuer critical); the other bits are reserved and must be clear. */
    static final int CAA_CRITICAL = 128;

    /** RFC 8659 4.2: {@code [issuer-domain-name] [";" [parameters]]}, parameters {@code key=value; …}. */
    private static final Pattern CAA_ISSUER_VALUE;

    static {
        String label = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
        String domain = label + "(?:\\." + label + ")*";
        String parameter = label + " *= *[\\x21-\\x3a\\x3c-\\x7e]*";
        String parameters = parameter + "(?: *; *" + parameter + ")*";
        CAA_ISSUER_VALUE = Pattern.compile(" *(?:" + domain + " *)?(?:; *(?:" + parameters + " *)?)?");
    }

    /** Text given as a target that is an address (RFC 1123 2.1: a host name never has the form #.#.#.#). */
    private static final Pattern ADDRESS = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}\\.?|.*:.*");

    private DnsRecordContent() {}

    /**
     * The canonical content of a record of {@code type} at {@code owner}, or null with the problems added to
     * {@code errors} ({@code prefix} + {@code content}, or {@code priority} for a null MX).
     */
    static String canonical(
            Name owner,
            Name origin,
            String type,
            int ttl,
            Integer priority,
            String content,
            String prefix,
            List<FieldError> errors) {
        String field = prefix + "content";
        String text = priority == null ? content : priority + " " + content;
        if ("TXT".equals(type) && !content.startsWith("\"")) {
            text = quotedStrings(content);
        }
        Record record;
        try {
            record = Record.fromString(owner, Type.value(type), DClass.IN, ttl, text, origin);
        } catch (IOException | IllegalArgumentException e) {
            errors.add(new FieldError(field, ErrorCodes.INVALID, "Invalid " + type + " content: " + e.getMessage()));
            return null;
        }
        if (record instanceof TXTRecord txt) {
            return txt(txt, field, errors);
        }
        if (record instanceof CAARecord caa) {
            return caa(caa, owner, ttl, field, errors);
        }
        if (record instanceof AAAARecord aaaa) {
            // An IPv4-mapped address (::ffff:192.0.2.1) is how a host writes an IPv4 peer, not an IPv6 address to
            // publish; Java reads it as IPv4.
            if (aaaa.getAddress() instanceof Inet4Address) {
                errors.add(new FieldError(
                        field,
                        ErrorCodes.INVALID,
                        "An IPv4-mapped address (::ffff:a.b.c.d) is an IPv4 address: publish it as an A record."));
                return null;
            }
            return compressed(aaaa.getAddress().getHostAddress());
        }
        String rawTarget = lastToken(content);
        String problem;
        String canonical;
        if (record instanceof CNAMERecord cname) {
            problem = targetProblem(rawTarget, cname.getTarget(), origin, true, false);
            if (problem == null && cname.getTarget().equals(owner)) {
                problem = "A CNAME cannot point to its own name.";
            }
            canonical = lower(cname.getTarget());
        } else if (record instanceof NSRecord ns) {
            problem = targetProblem(rawTarget, ns.getTarget(), origin, false, false);
            canonical = lower(ns.getTarget());
        } else if (record instanceof PTRRecord ptr) {
            problem = targetProblem(rawTarget, ptr.getTarget(), origin, true, false);
            canonical = lower(ptr.getTarget());
        } else if (record instanceof MXRecord mx) {
            // RFC 7505: a null MX ("0 .") says the domain takes no mail.
            problem = targetProblem(rawTarget, mx.getTarget(), origin, false, true);
            if (problem == null && mx.getTarget().equals(Name.root) && mx.getPriority() != 0) {
                errors.add(new FieldError(
                        prefix + "priority",
                        ErrorCodes.INVALID,
                        "A null MX (content \".\", RFC 7505) has priority 0."));
                return null;
            }
            canonical = lower(mx.getTarget());
        } else if (record instanceof SRVRecord srv) {
            // RFC 2782: the target "." says the service is not offered at this name.
            problem = targetProblem(rawTarget, srv.getTarget(), origin, false, true);
            canonical = srv.getWeight() + " " + srv.getPort() + " " + lower(srv.getTarget());
        } else {
            return record.rdataToString(); // A: dnsjava's reading is the whole rule
        }
        if (problem != null) {
            errors.add(new FieldError(field, ErrorCodes.INVALID, problem));
            return null;
        }
        return canonical;
    }

    /**
     * What is wrong with a CNAME, NS, PTR, MX or SRV target, or null: it is a host name (labels of letters,
     * digits and hyphens, not first or last; underscores only where {@code underscores}, as a CNAME to
     * {@code _acme-challenge.…} needs), no wildcard, not an address, and the root only where {@code root}.
     */
    static String targetProblem(String raw, Name target, Name origin, boolean underscores, boolean root) {
        // A zone file's relative "192.0.2.1" arrives already made absolute: 192.0.2.1.<zone>.
        String relative = target.subdomain(origin) ? target.relativize(origin).toString() : "";
        if (ADDRESS.matcher(raw).matches() || ADDRESS.matcher(relative).matches()) {
            return "'" + (ADDRESS.matcher(raw).matches() ? raw : relative)
                    + "' is an address; a target is a host name (addresses go in A and AAAA records).";
        }
        if (target.equals(Name.root)) {
            return root ? null : "The root (.) is not a target here.";
        }
        for (int i = 0; i < target.labels() - 1; i++) {
            String label = target.getLabelString(i);
            if (label.equals("*")) {
                return "A target has no wildcard (*) label.";
            }
            String problem = DnsRecordValidator.labelCharsProblem(label, underscores);
            if (problem != null) {
                return "In target " + target + ": " + problem;
            }
        }
        return null;
    }

    private static String txt(TXTRecord txt, String field, List<FieldError> errors) {
        int total = 0;
        for (byte[] string : txt.getStringsAsByteArrays()) {
            if (string.length > MAX_TXT_STRING) {
                errors.add(new FieldError(
                        field,
                        ErrorCodes.INVALID,
                        "A quoted TXT string holds at most " + MAX_TXT_STRING
                                + " octets; split it, or send the text unquoted to have it split."));
                return null;
            }
            total += string.length;
        }
        if (total > MAX_TXT_TOTAL) {
            errors.add(new FieldError(
                    field, ErrorCodes.TOO_LARGE, "A TXT record holds at most " + MAX_TXT_TOTAL + " octets of text."));
            return null;
        }
        return txt.rdataToString();
    }

    /** RFC 8659: flags 0 or 128, a tag a CA reads (in lower case), a value of the tag's form, quoted. */
    private static String caa(CAARecord caa, Name owner, int ttl, String field, List<FieldError> errors) {
        int flags = caa.getFlags();
        String tag = caa.getTag().toLowerCase(Locale.ROOT);
        String value = caa.getValue();
        String problem = null;
        if (flags != 0 && flags != CAA_CRITICAL) {
            problem = "CAA flags are 0, or " + CAA_CRITICAL
                    + " (issuer critical); the other bits are reserved and must be 0 (RFC 8659 4.1).";
        } else if (!CAA_TAGS.contains(tag)) {
            problem = "The CAA tag must be one of " + CAA_TAGS + ".";
        } else if (CAA_ISSUER_TAGS.contains(tag)
                && !CAA_ISSUER_VALUE.matcher(value).matches()) {
            problem = "A CAA " + tag + " value is a CA's domain name, maybe followed by '; key=value' parameters,"
                    + " or ';' alone for no CA (RFC 8659 4.2): \"letsencrypt.org\", \";\".";
        } else if (tag.equals("iodef") && !isIodefUrl(value)) {
            problem = "A CAA iodef value is a mailto:, http: or https: URL (RFC 8659 4.4).";
        } else if (value.isBlank() && !CAA_ISSUER_TAGS.contains(tag)) {
            problem = "A CAA " + tag + " value is required.";
        }
        if (problem != null) {
            errors.add(new FieldError(field, ErrorCodes.INVALID, problem));
            return null;
        }
        return new CAARecord(owner, DClass.IN, ttl, flags, tag, value).rdataToString();
    }

    private static boolean isIodefUrl(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return switch (scheme) {
                case "mailto" ->
                    uri.getSchemeSpecificPart() != null
                            && uri.getSchemeSpecificPart().matches("[^@\\s]+@[^@\\s]+");
                case "http", "https" -> uri.getHost() != null;
                default -> false;
            };
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String lower(Name name) {
        return name.toString().toLowerCase(Locale.ROOT);
    }

    private static String lastToken(String content) {
        String[] tokens = content.trim().split("\\s+");
        return tokens[tokens.length - 1];
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
}
