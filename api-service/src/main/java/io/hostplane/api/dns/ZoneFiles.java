package io.hostplane.api.dns;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * RFC 1035 master files of a zone's records. Export writes every record with its absolute owner name;
 * import reads a file one logical line at a time (a parenthesised record may span lines), so that every
 * bad line is reported with its number instead of the first one only. SOA and apex NS records belong to the
 * DNS service, not to the zone's records: export leaves them out and import skips them.
 */
final class ZoneFiles {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern DNSJAVA_POSITION = Pattern.compile("^.*?:\\s*\\d+:\\s*");

    private ZoneFiles() {}

    /** The zone's records as a master file. */
    static String export(String zone, List<DnsRecord> records, Instant at) {
        Name origin = absolute(zone);
        StringBuilder out = new StringBuilder();
        out.append("; ")
                .append(zone)
                .append(" exported by Hostplane at ")
                .append(at)
                .append('\n');
        out.append("; SOA and apex NS records are served by the DNS service and not listed here.\n");
        out.append("$ORIGIN ").append(origin).append('\n');
        for (DnsRecord r : records) {
            try {
                Name owner = r.name().equals("@") ? origin : Name.fromString(r.name(), origin);
                String text = r.priority() == null ? r.content() : r.priority() + " " + r.content();
                out.append(Record.fromString(owner, Type.value(r.type()), DClass.IN, r.ttl(), text, origin))
                        .append('\n');
            } catch (IOException e) {
                // Stored records were checked on the way in; one that no longer parses is named, not hidden.
                out.append("; record ")
                        .append(r.id())
                        .append(" could not be written: ")
                        .append(e.getMessage())
                        .append('\n');
            }
        }
        return out.toString();
    }

    /** One record read from a file: its first line and the record as the API's record body. */
    record Line(int number, ObjectNode body) {}

    /** What a file holds: its records, the errors (field {@code lines[N]}), and how many lines were skipped. */
    record Parsed(List<Line> records, List<FieldError> errors, int skipped) {}

    /** Reads {@code text} as a master file for {@code zone}, with {@code defaultTtl} where none is given. */
    static Parsed parse(String zone, String text, long defaultTtl) {
        Name zoneOrigin = absolute(zone);
        Name origin = zoneOrigin;
        long ttl = defaultTtl;
        String lastOwner = null;
        List<Line> records = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        int skipped = 0;
        for (LogicalLine line : logicalLines(text)) {
            String field = "lines[" + line.number() + "]";
            String body = line.text();
            if (body == null) {
                errors.add(new FieldError(field, ErrorCodes.INVALID, "A parenthesis opened here is never closed."));
                continue;
            }
            if (body.isBlank()) {
                continue;
            }
            // Tabs separate fields; any other control character (a lone CR, NUL, ESC) is refused, not read.
            if (DnsRecordValidator.hasControlCharacter(body.replace('\t', ' '))) {
                errors.add(new FieldError(
                        field, ErrorCodes.INVALID, "A line holds no control characters other than tabs."));
                continue;
            }
            if (body.startsWith("$")) {
                String[] parts = body.trim().split("\\s+");
                String directive = parts[0].toUpperCase(Locale.ROOT);
                try {
                    switch (directive) {
                        case "$ORIGIN" -> origin = Name.fromString(parts[1], zoneOrigin);
                        case "$TTL" -> ttl = org.xbill.DNS.TTL.parseTTL(parts[1]);
                        default ->
                            errors.add(new FieldError(
                                    field, ErrorCodes.UNSUPPORTED, directive + " is not supported here."));
                    }
                } catch (ArrayIndexOutOfBoundsException | TextParseException | NumberFormatException e) {
                    errors.add(new FieldError(field, ErrorCodes.INVALID, "Malformed " + directive + " line."));
                }
                continue;
            }
            boolean sameOwner = Character.isWhitespace(body.charAt(0));
            if (sameOwner && lastOwner == null) {
                errors.add(new FieldError(field, ErrorCodes.INVALID, "A record without an owner name comes first."));
                continue;
            }
            String full = sameOwner ? lastOwner + body : body;
            Record record;
            try (Master master =
                    new Master(new ByteArrayInputStream(full.getBytes(StandardCharsets.UTF_8)), origin, ttl)) {
                record = master.nextRecord();
            } catch (IOException | RuntimeException e) {
                errors.add(new FieldError(field, ErrorCodes.INVALID, message(e)));
                continue;
            }
            if (record == null) {
                continue;
            }
            lastOwner = record.getName().toString();
            if (record.getDClass() != DClass.IN) {
                errors.add(new FieldError(field, ErrorCodes.UNSUPPORTED, "Only class IN records can be imported."));
                continue;
            }
            int type = record.getType();
            if (type == Type.SOA || (type == Type.NS && record.getName().equals(zoneOrigin))) {
                skipped++;
                continue;
            }
            if (!DnsRecordValidator.TYPES.contains(Type.string(type))) {
                errors.add(new FieldError(
                        field,
                        ErrorCodes.UNSUPPORTED,
                        Type.string(type) + " records are not supported; use one of " + DnsRecordValidator.TYPES
                                + "."));
                continue;
            }
            records.add(new Line(line.number(), body(record)));
        }
        return new Parsed(records, errors, skipped);
    }

    /** The record as the API's record body, for {@link DnsRecordValidator}. */
    private static ObjectNode body(Record record) {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", record.getName().toString());
        body.put("type", Type.string(record.getType()));
        body.put("ttl", record.getTTL());
        if (record instanceof MXRecord mx) {
            body.put("priority", mx.getPriority());
            body.put("content", mx.getTarget().toString());
        } else if (record instanceof SRVRecord srv) {
            body.put("priority", srv.getPriority());
            body.put("content", srv.getWeight() + " " + srv.getPort() + " " + srv.getTarget());
        } else {
            body.put("content", record.rdataToString());
        }
        return body;
    }

    private record LogicalLine(int number, String text) {}

    /**
     * Lines with comments removed and parenthesised records joined, each with the number of its first line.
     * Quotes are respected: a {@code ;} or parenthesis inside a quoted string is text.
     */
    private static List<LogicalLine> logicalLines(String text) {
        List<LogicalLine> lines = new ArrayList<>();
        String[] raw = text.split("\r?\n", -1);
        StringBuilder current = new StringBuilder();
        int start = 0;
        int depth = 0;
        for (int n = 0; n < raw.length; n++) {
            if (depth == 0) {
                current.setLength(0);
                start = n + 1;
            }
            boolean quoted = false;
            String line = raw[n];
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '\\' && i + 1 < line.length()) {
                    current.append(c).append(line.charAt(++i));
                    continue;
                }
                if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && c == ';') {
                    break;
                } else if (!quoted && c == '(') {
                    depth++;
                    current.append(' ');
                    continue;
                } else if (!quoted && c == ')') {
                    depth = Math.max(0, depth - 1);
                    current.append(' ');
                    continue;
                }
                current.append(c);
            }
            if (depth == 0) {
                lines.add(new LogicalLine(start, stripTrailing(current.toString())));
            } else {
                current.append(' ');
            }
        }
        if (depth > 0) {
            lines.add(new LogicalLine(start, null));
        }
        return lines;
    }

    private static String stripTrailing(String s) {
        return s.isBlank() ? "" : s.stripTrailing();
    }

    private static String message(Exception e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return DNSJAVA_POSITION.matcher(message).replaceFirst("");
    }

    private static Name absolute(String zone) {
        try {
            return Name.fromString(zone.endsWith(".") ? zone : zone + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
