package io.hostplane.audit.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Rows in PostgreSQL's COPY text format (tab-separated columns, one row per line), which the ingestor streams
 * with {@code COPY … FROM STDIN}: the rows of a poll in one statement, without a bind parameter per value.
 *
 * <p>The format's rules (PostgreSQL manual, COPY, "Text Format"): {@code \N} is NULL; in a value, backslash,
 * newline, carriage return and the delimiter (tab) must be written as {@code \\}, {@code \n}, {@code \r} and
 * {@code \t}; everything else is taken as it is. A {@code bytea} value is written in its hex input form
 * ({@code \x…}), whose backslash is itself escaped.
 */
final class CopyText {

    private static final HexFormat HEX = HexFormat.of();

    private final StringBuilder out;
    private boolean rowStarted;

    CopyText(int expectedChars) {
        this.out = new StringBuilder(expectedChars);
    }

    CopyText text(String value) {
        separate();
        if (value == null) {
            out.append("\\N");
            return this;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c);
            }
        }
        return this;
    }

    CopyText number(long value) {
        separate();
        out.append(value);
        return this;
    }

    /** A timestamptz in ISO-8601 (UTC); PostgreSQL rounds fractions below a microsecond, as it does for a bind. */
    CopyText time(Instant value) {
        return text(value == null ? null : value.toString());
    }

    CopyText bytes(byte[] value) {
        separate();
        if (value == null) {
            out.append("\\N");
        } else {
            out.append("\\\\x");
            HEX.formatHex(out, value);
        }
        return this;
    }

    /** Ends the current row. */
    CopyText endRow() {
        out.append('\n');
        rowStarted = false;
        return this;
    }

    byte[] utf8() {
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void separate() {
        if (rowStarted) {
            out.append('\t');
        }
        rowStarted = true;
    }
}
