package io.hostplane.audit.stream;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * One event as an RFC 5424 message in RFC 5425's octet-counted frame ({@code LEN SP MSG}):
 * {@code <110>1 TIMESTAMP HOSTNAME hostplane - MSGID [hostplane@32473 id="…" topic="…" partition="…" offset="…"
 * tenant="…"] JSON}. Facility 13 (log audit), severity 6 (informational); TIMESTAMP is the event's time (at most
 * microseconds, as RFC 5424 allows); MSGID the event type without {@code io.hostplane.} (at most 32 characters);
 * the structured data carries the event id and its place in its chain, which is what a collector de-duplicates
 * on; MSG is the stored CloudEvent's JSON (one line: the store's JSON has no raw newline).
 */
final class SyslogFormat {

    static final String SD_ID = "hostplane@32473";
    private static final int PRI = 13 * 8 + 6;

    private SyslogFormat() {}

    static byte[] frame(StreamEvent event, String hostname) {
        byte[] message = message(event, hostname).getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + message.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(message, 0, out, prefix.length, message.length);
        return out;
    }

    static String message(StreamEvent event, String hostname) {
        StringBuilder out = new StringBuilder();
        out.append('<').append(PRI).append(">1 ");
        out.append(
                        event.time() == null
                                ? "-"
                                : DateTimeFormatter.ISO_INSTANT.format(
                                        event.time().truncatedTo(ChronoUnit.MICROS)))
                .append(' ');
        out.append(token(hostname, 255)).append(" hostplane - ");
        out.append(msgId(event.type())).append(' ');
        out.append('[').append(SD_ID);
        param(out, "id", event.eventId());
        param(out, "topic", event.topic());
        param(out, "partition", Integer.toString(event.partition()));
        param(out, "offset", Long.toString(event.offset()));
        if (event.tenant() != null) {
            param(out, "tenant", event.tenant());
        }
        out.append("] ").append(event.json());
        return out.toString();
    }

    /** The event type without the platform's prefix, as printable ASCII, at most 32 characters. */
    static String msgId(String type) {
        String name = type == null ? "" : type.startsWith("io.hostplane.") ? type.substring(13) : type;
        return token(name, 32);
    }

    /** A header field: printable US-ASCII without spaces, at most {@code max} characters; {@code -} if empty. */
    private static String token(String value, int max) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < max; i++) {
            char c = value.charAt(i);
            if (c >= 33 && c <= 126) {
                out.append(c);
            }
        }
        return out.length() == 0 ? "-" : out.toString();
    }

    private static void param(StringBuilder out, String name, String value) {
        out.append(' ').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
