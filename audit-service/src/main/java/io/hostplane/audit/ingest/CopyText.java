package io.hostplane.audit.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
        // Runs without a special character are copied whole (most values have none).
        int run = 0;
        for (int i = 0; i < value.length(); i++) {
            String escaped = switch (value.charAt(i)) {
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> null;
            };
            if (escaped != null) {
                out.append(value, run, i).append(escaped);
                run = i + 1;
            }
        }
        if (run == 0) {
            out.append(value);
        } else {
            out.append(value, run, value.length());
        }
        return this;
    }

    CopyText number(long value) {
        separate();
        out.append(value);
        return this;
    }

    /**
     * A timestamptz as {@code YYYY-MM-DD HH:MM:SS.ffffff+00} (UTC, microseconds: what PostgreSQL keeps; the
     * nanoseconds are rounded to the nearest microsecond, as PostgreSQL rounds a bound value). Years 1 to 9999
     * only: the ingestor quarantines events outside them.
     */
    CopyText time(Instant value) {
        separate();
        if (value == null) {
            out.append("\\N");
            return this;
        }
        Instant rounded = value.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
        LocalDateTime t = LocalDateTime.ofEpochSecond(rounded.getEpochSecond(), rounded.getNano(), ZoneOffset.UTC);
        pad(t.getYear(), 4).append('-');
        pad(t.getMonthValue(), 2).append('-');
        pad(t.getDayOfMonth(), 2).append(' ');
        pad(t.getHour(), 2).append(':');
        pad(t.getMinute(), 2).append(':');
        pad(t.getSecond(), 2).append('.');
        pad(t.getNano() / 1000, 6).append("+00");
        return this;
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

    private StringBuilder pad(int value, int digits) {
        for (int limit = 10, i = 1; i < digits; i++, limit *= 10) {
            if (value < limit) {
                out.append('0');
            }
        }
        return out.append(value);
    }

    private void separate() {
        if (rowStarted) {
            out.append('\t');
        }
        rowStarted = true;
    }
}
