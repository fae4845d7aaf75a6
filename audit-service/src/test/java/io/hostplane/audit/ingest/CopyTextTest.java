package io.hostplane.audit.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class CopyTextTest {

    @Test
    void escapesWhatTheTextFormatGivesAMeaningAndNothingElse() {
        String row = new CopyText(64)
                .text("a\\b\tc\nd\re \"q\" \u00fc")
                .text(null)
                .number(-42)
                .endRow()
                .toString();
        assertThat(row).isEqualTo("a\\\\b\\tc\\nd\\re \"q\" \u00fc\t\\N\t-42\n");
    }

    @Test
    void writesByteaInEscapedHexAndTimesToTheMicrosecond() {
        String rows = new CopyText(64)
                .bytes(new byte[] {0, (byte) 0xff, 0x10})
                .bytes(null)
                .time(Instant.parse("2026-11-26T08:00:00.5Z"))
                .time(Instant.parse("0987-01-02T03:04:05.000000499Z"))
                .time(Instant.parse("2026-12-31T23:59:59.9999995Z"))
                .endRow()
                .text("second")
                .endRow()
                .toString();
        assertThat(rows)
                .isEqualTo("\\\\x00ff10\t\\N\t2026-11-26 08:00:00.500000+00\t0987-01-02 03:04:05.000000+00"
                        + "\t2027-01-01 00:00:00.000000+00\nsecond\n");
        assertThat(new CopyText(8).text("\u2713").endRow().utf8())
                .isEqualTo("\u2713\n".getBytes(StandardCharsets.UTF_8));
    }
}
