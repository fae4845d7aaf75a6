package io.hostplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.jobs.OutboxNotifications;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;

/** Relay on commit: the outbox's NOTIFY reaches every replica's listener when its transaction commits. */
class OutboxNotificationsTest extends ApiIntegrationTest {

    @Autowired
    OutboxNotifications notifications;

    @Test
    void aNotificationFromAnotherConnectionWakesThisReplica() throws Exception {
        long before = notifications.received();
        // What another replica's acceptance does at its commit.
        try (Connection c = connection();
                Statement s = c.createStatement()) {
            s.execute("notify hostplane_outbox");
        }
        assertThat(awaitMoreThan(before)).isGreaterThan(before);
    }

    @Test
    void anAcceptedJobNotifiesAtItsCommit() throws Exception {
        long before = notifications.received();
        exchange(
                HttpMethod.POST,
                "/api/v1/domains/" + zone + "/dns/records",
                allToken,
                "{\"name\":\"n\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.7\"}",
                202);
        assertThat(awaitMoreThan(before)).isGreaterThan(before);
    }

    private long awaitMoreThan(long before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (notifications.received() <= before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return notifications.received();
    }
}
