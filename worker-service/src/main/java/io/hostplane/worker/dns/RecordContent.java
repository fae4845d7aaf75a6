package io.hostplane.worker.dns;

import io.hostplane.common.dns.DnsRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Turns a record as the API keeps it (name relative to the zone, {@code @} for the apex; MX and SRV priority
 * apart from the content) into what a DNS server takes: an absolute owner name with a trailing dot and the
 * full presentation-format content ({@code 10 mail.example.test.}). The same text suits PowerDNS's API and
 * dnsjava's {@code Record.fromString}.
 */
final class RecordContent {

    /** Longest character-string in a TXT record (RFC 1035 3.3). */
    static final int MAX_TXT_STRING = 255;

    private RecordContent() {}

    /** {@code example.test} or {@code example.test.} → {@code example.test.} (lower case). */
    static String zoneName(String zone) {
        String lower = zone.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    /** {@code @} → the zone; {@code www} → {@code www.example.test.}; an absolute name stays as it is. */
    static String owner(String name, String zone) {
        return absolute(name, zone);
    }

    /** The record's content in presentation format, with the priority for MX and SRV and absolute targets. */
    static String content(DnsRecord record, String zone) {
        String content = record.content().trim();
        Integer priority = record.priority();
        return switch (record.type().toUpperCase(Locale.ROOT)) {
            case "CNAME", "NS" -> absolute(content, zone);
            case "MX" -> {
                String[] parts = content.split("\\s+");
                if (priority == null && parts.length == 2) {
                    yield parts[0] + " " + absolute(parts[1], zone);
                }
                yield orZero(priority) + " " + absolute(content, zone);
            }
            case "SRV" -> {
                String[] parts = content.split("\\s+");
                if (priority == null && parts.length == 4) {
                    priority = Integer.valueOf(parts[0]);
                    parts = Arrays.copyOfRange(parts, 1, 4);
                }
                if (parts.length != 3) {
                    yield orZero(priority) + " " + content;
                }
                yield orZero(priority) + " " + parts[0] + " " + parts[1] + " " + absolute(parts[2], zone);
            }
            case "TXT" -> txt(content);
            case "CAA" -> caa(content);
            default -> content;
        };
    }

    /**
     * TXT content as quoted character-strings of at most 255 bytes each. Content that starts with a quote is
     * read as presentation format ({@code "a" "b"}, with {@code \"}, {@code \\} and {@code \DDD} escapes);
     * anything else is one text. Longer strings are cut into several; a resolver joins them again.
     */
    static String txt(String content) {
        List<byte[]> strings =
                content.startsWith("\"") ? parseQuoted(content) : List.of(content.getBytes(StandardCharsets.UTF_8));
        List<String> quoted = new ArrayList<>();
        for (byte[] string : strings) {
            if (string.length == 0) {
                quoted.add("\"\"");
            }
            for (int from = 0; from < string.length; from += MAX_TXT_STRING) {
                quoted.add(quote(Arrays.copyOfRange(string, from, Math.min(string.length, from + MAX_TXT_STRING))));
            }
        }
        return String.join(" ", quoted);
    }

    /** {@code 0 issue letsencrypt.org} → {@code 0 issue "letsencrypt.org"}; quoted values stay as they are. */
    static String caa(String content) {
        String[] parts = content.split("\\s+", 3);
        if (parts.length < 3 || parts[2].startsWith("\"")) {
            return content;
        }
        return parts[0] + " " + parts[1] + " " + quote(parts[2].getBytes(StandardCharsets.UTF_8));
    }

    private static String absolute(String name, String zone) {
        if (name.equals("@") || name.isEmpty()) {
            return zoneName(zone);
        }
        if (name.endsWith(".")) {
            return name.toLowerCase(Locale.ROOT);
        }
        return name.toLowerCase(Locale.ROOT) + "." + zoneName(zone);
    }

    private static int orZero(Integer priority) {
        return priority == null ? 0 : priority;
    }

    private static List<byte[]> parseQuoted(String content) {
        List<byte[]> strings = new ArrayList<>();
        byte[] in = content.getBytes(StandardCharsets.UTF_8);
        int i = 0;
        while (i < in.length) {
            if (in[i] == ' ' || in[i] == '\t') {
                i++;
                continue;
            }
            boolean quoted = in[i] == '"';
            if (quoted) {
                i++;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (i < in.length && (quoted ? in[i] != '"' : in[i] != ' ' && in[i] != '\t')) {
                if (in[i] == '\\' && i + 1 < in.length) {
                    if (i + 3 < in.length && isDigit(in[i + 1]) && isDigit(in[i + 2]) && isDigit(in[i + 3])) {
                        out.write((in[i + 1] - '0') * 100 + (in[i + 2] - '0') * 10 + (in[i + 3] - '0'));
                        i += 4;
                    } else {
                        out.write(in[i + 1]);
                        i += 2;
                    }
                } else {
                    out.write(in[i++]);
                }
            }
            if (quoted) {
                i++; // the closing quote (or the end of an unterminated string)
            }
            strings.add(out.toByteArray());
        }
        return strings;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** One quoted character-string: {@code "} and {@code \} escaped, bytes outside printable ASCII as {@code \DDD}. */
    private static String quote(byte[] string) {
        StringBuilder out = new StringBuilder(string.length + 2).append('"');
        for (byte b : string) {
            int c = b & 0xff;
            if (c == '"' || c == '\\') {
                out.append('\\').append((char) c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append('\\').append(String.format("%03d", c));
            } else {
                out.append((char) c);
            }
        }
        return out.append('"').toString();
    }
}
