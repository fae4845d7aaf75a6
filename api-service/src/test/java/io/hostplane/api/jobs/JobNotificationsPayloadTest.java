package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The notification payloads: every job named once, in order, every payload under PostgreSQL's 8000 bytes. */
@Tag("fast")
class JobNotificationsPayloadTest {

    private static final String REPLICA = "AbCdEfGhIjK";

    private static List<UUID> jobs(int n) {
        return IntStream.range(0, n).mapToObj(i -> UUID.randomUUID()).toList();
    }

    @Test
    void asManyPayloadsAsNeededEachShorterThan8000BytesNamingEveryJobOnce() {
        for (int n : new int[] {1, 2, 363, 364, 726, 727, 1000, 5000}) {
            List<UUID> jobs = jobs(n);
            List<String> payloads = JobNotifications.payloads(REPLICA, jobs);
            assertThat(payloads).hasSize((n + 362) / 363);
            List<UUID> named = new ArrayList<>();
            for (String payload : payloads) {
                assertThat(payload.getBytes(StandardCharsets.UTF_8).length).isLessThan(8000);
                JobNotifications.Notice notice = JobNotifications.parse(payload);
                assertThat(notice.replica()).isEqualTo(REPLICA);
                named.addAll(notice.jobs());
            }
            assertThat(named).as("%d jobs", n).containsExactlyElementsOf(jobs);
        }
        // 22 characters per job: a fold of 100 jobs is one notification of about 2.2 KB.
        assertThat(JobNotifications.payloads(REPLICA, jobs(100)).get(0)).hasSize(REPLICA.length() + 1 + 100 * 22);
        assertThat(JobNotifications.payloads(REPLICA, List.of())).isEmpty();
    }

    @Test
    void whatIsNotOneOfOursIsRefused() {
        for (String other :
                new String[] {"", "no colon", ":" + "A".repeat(22), REPLICA + ":short", "x:" + "!".repeat(22)}) {
            assertThatThrownBy(() -> JobNotifications.parse(other))
                    .as(other)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> JobNotifications.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
