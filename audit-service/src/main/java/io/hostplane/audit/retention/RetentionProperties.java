package io.hostplane.audit.retention;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Retention of the audit store and topics ({@code hostplane.audit.retention.*}; docs/audit.md, Retention).
 *
 * @param store how long stored rows are kept: partitions of {@code audit.events} and {@code audit.quarantine}
 *     whose whole range is older are detached and dropped. Empty (the default): kept for ever
 * @param topics {@code retention.ms} of {@code hostplane.commands}, {@code hostplane.job-events} and
 *     {@code hostplane.audit}, applied where the topics are declared (platform's {@code KafkaTopicsConfiguration});
 *     empty (the default): the broker's own retention. Read there, listed here for one place to look
 * @param partition the span of one partition: {@code month} (the default) or {@code day}
 * @param ahead how many partitions after the current one are created ahead of time
 * @param checkEvery how often partitions are created ahead and expired partitions dropped
 * @param lockTimeout how long creating or dropping a partition waits for the table's lock (long exports hold it)
 *     before giving up until the next check, so that inserts never queue behind it for longer
 */
@ConfigurationProperties("hostplane.audit.retention")
public record RetentionProperties(
        Duration store,
        Duration topics,
        @DefaultValue("month") String partition,
        @DefaultValue("2") int ahead,
        @DefaultValue("1h") Duration checkEvery,
        @DefaultValue("5s") Duration lockTimeout) {

    public RetentionProperties {
        if (!"month".equals(partition) && !"day".equals(partition)) {
            throw new IllegalArgumentException("hostplane.audit.retention.partition must be day or month");
        }
        if (store != null && (store.isNegative() || store.isZero())) {
            store = null;
        }
        ahead = Math.max(0, ahead);
    }
}
