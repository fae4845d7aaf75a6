package io.hostplane.audit.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The wire forms of the two sinks, on their own. */
@Tag("fast")
class StreamFormatsTest {

    private static final StreamEvent EVENT = new StreamEvent(
            "hostplane.audit",
            3,
            42,
            true,
            "01J-id",
            "io.hostplane.job.succeeded.v1",
            "t_\"odd]",
            Instant.parse("2026-12-08T00:00:00.123456789Z"),
            "{\"id\": \"01J-id\", \"data\": {\"x\": \"é\"}}");

    @Test
    void syslogIsRfc5424InAnOctetCountedFrame() {
        String message = SyslogFormat.message(EVENT, "collector-host");
        assertThat(message)
                .isEqualTo("<110>1 2026-12-08T00:00:00.123456Z collector-host hostplane - job.succeeded.v1 "
                        + "[hostplane@32473 id=\"01J-id\" topic=\"hostplane.audit\" partition=\"3\" offset=\"42\" "
                        + "tenant=\"t_\\\"odd\\]\"] {\"id\": \"01J-id\", \"data\": {\"x\": \"é\"}}");
        byte[] frame = SyslogFormat.frame(EVENT, null);
        String text = new String(frame, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        assertThat(Integer.parseInt(text.substring(0, space)))
                .as("LEN counts octets, not characters")
                .isEqualTo(frame.length - space - 1);
        assertThat(text).contains(" - hostplane - job.succeeded.v1 ");
        assertThat(SyslogFormat.msgId("io.hostplane.a.very.long.event.type.name.beyond.limits.v1"))
                .hasSize(32);
        assertThat(SyslogFormat.msgId(null)).isEqualTo("-");
    }

    @Test
    void httpBatchesAreHecLines() {
        String body = HttpSink.body(List.of(EVENT, EVENT));
        assertThat(body.lines()).hasSize(2);
        assertThat(body.lines().findFirst().orElseThrow())
                .isEqualTo("{\"event\":{\"id\": \"01J-id\", \"data\": {\"x\": \"é\"}},\"time\":1796688000.123,"
                        + "\"sourcetype\":\"hostplane:audit\",\"source\":\"hostplane\",\"fields\":{\"event_id\":"
                        + "\"01J-id\",\"event_type\":\"io.hostplane.job.succeeded.v1\",\"tenant\":\"t_\\\"odd]\","
                        + "\"topic\":\"hostplane.audit\",\"partition\":3,\"offset\":42}}");
    }

    @Test
    void definitionsNameTheirHostNeverTheirPath() {
        StreamDefinition http = new StreamDefinition(
                java.util.UUID.randomUUID(),
                null,
                "http",
                "https://hec.example.net:8088/services/collector?token=secret",
                null,
                null,
                List.of(),
                "splunk",
                null,
                null,
                null,
                null,
                Instant.now(),
                1,
                null);
        assertThat(http.toString()).contains("hec.example.net:8088").doesNotContain("secret", "services");
        Instant t = Instant.now();
        assertThat(withPauses(null, t, null).paused())
                .as("self-paused, never resumed")
                .isTrue();
        assertThat(withPauses(null, t, t.plusSeconds(1)).paused())
                .as("resumed after")
                .isFalse();
        assertThat(withPauses(t, null, null).paused()).isTrue();
    }

    private static StreamDefinition withPauses(Instant pausedAt, Instant selfPausedAt, Instant resumedAt) {
        return new StreamDefinition(
                java.util.UUID.randomUUID(),
                null,
                "syslog",
                null,
                "h",
                6514,
                List.of(),
                null,
                null,
                null,
                pausedAt,
                resumedAt,
                Instant.now(),
                1,
                selfPausedAt);
    }
}
