package io.hostplane.audit.replay;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.ReplayAudit;
import io.hostplane.common.job.Warning;
import io.hostplane.common.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * One replay's reading: works out each partition's offset range once, when it starts (so a replay ends even
 * while the topics grow), reads it with its own consumer — assigned, with no group, so the live consumer group's
 * offsets are never touched — keeps what the filters match and hands it to the target, poll by poll.
 */
final class ReplayRun {

    /** Where the records go; {@link #finish} makes the output whole (a file is renamed into place). */
    interface Sink {
        /** Takes one poll's kept records; returns how many it wrote. */
        long write(List<ConsumerRecord<byte[], byte[]>> records) throws Exception;

        void finish() throws Exception;

        /** Undoes what can be undone after a failure or a cancellation (a partial file is removed). */
        void abandon();
    }

    /** What a replay did; {@code cancelled} when it stopped early on request. */
    record Outcome(
            long partitions, long total, long read, long written, long filtered, long unreadable, boolean cancelled) {

        Map<String, Object> asResult(ReplayAudit.Target target) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("target", target);
            result.put("partitions", partitions);
            result.put("records_in_range", total);
            result.put("records_read", read);
            result.put("records_written", written);
            result.put("filtered_out", filtered);
            result.put("unreadable", unreadable);
            result.put("cancelled", cancelled);
            return result;
        }
    }

    /** A replay that cannot go on, with the job error code it ends with. */
    static final class ReplayFailure extends RuntimeException {
        final String code;

        ReplayFailure(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration STALL = Duration.ofMinutes(2);

    private final Consumer<byte[], byte[]> consumer;
    private final EventCodec codec;
    private final ReplayAudit command;
    private final Sink sink;
    private final List<Warning> warnings = new ArrayList<>();

    ReplayRun(Consumer<byte[], byte[]> consumer, EventCodec codec, ReplayAudit command, Sink sink) {
        this.consumer = consumer;
        this.codec = codec;
        this.command = command;
        this.sink = sink;
    }

    List<Warning> warnings() {
        return warnings;
    }

    /**
     * Reads the range and writes what matches. {@code storeStart} gives, for a rebuild, the first offset each
     * chain lacks (null: ranges come from the command). Progress is reported in whole percent.
     */
    Outcome run(ToLongFunction<TopicPartition> storeStart, IntConsumer progress, BooleanSupplier cancelled)
            throws Exception {
        Map<TopicPartition, long[]> ranges = ranges(storeStart);
        long total = ranges.values().stream().mapToLong(r -> r[1] - r[0]).sum();
        consumer.assign(ranges.keySet());
        ranges.forEach((tp, r) -> consumer.seek(tp, r[0]));
        Set<TopicPartition> open = new HashSet<>(ranges.keySet());
        long read = 0;
        long written = 0;
        long filtered = 0;
        long unreadable = 0;
        int reported = -1;
        long lastMove = System.nanoTime();
        long started = lastMove;
        // A rebuild takes every record; so does an unfiltered replay into a topic, which copies the stream as it
        // is (unreadable records too), without reading each event. A file holds events only, one a line.
        boolean filtering = storeStart == null
                && (command.tenant() != null
                        || !command.types().isEmpty()
                        || !ReplayAudit.Target.TOPIC.equals(command.target().kind()));
        progress.accept(0);
        while (!open.isEmpty()) {
            if (cancelled.getAsBoolean()) {
                return new Outcome(ranges.size(), total, read, written, filtered, unreadable, true);
            }
            List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
            long before = read;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                long[] range = ranges.get(tp);
                if (range == null || record.offset() < range[0] || record.offset() >= range[1]) {
                    continue;
                }
                read++;
                if (!filtering) {
                    kept.add(record);
                    continue;
                }
                CloudEvent event = readable(record.value());
                if (event == null) {
                    unreadable++;
                } else if (matches(event)) {
                    kept.add(record);
                } else {
                    filtered++;
                }
            }
            if (!kept.isEmpty()) {
                written += sink.write(kept);
            }
            throttle(read, started, cancelled);
            List<TopicPartition> done = new ArrayList<>();
            for (TopicPartition tp : open) {
                if (consumer.position(tp) >= ranges.get(tp)[1]) {
                    done.add(tp);
                }
            }
            if (!done.isEmpty()) {
                open.removeAll(done);
                consumer.pause(done);
            }
            if (read > before || !done.isEmpty()) {
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > STALL.toNanos()) {
                throw new ReplayFailure(
                        ErrorCodes.REPLAY_STALLED,
                        "No record arrived for " + STALL.toMinutes() + " minutes; the broker may be away.");
            }
            int percent = total == 0 ? 100 : (int) Math.min(99, read * 100 / total);
            if (percent > reported) {
                reported = percent;
                progress.accept(percent);
            }
        }
        sink.finish();
        return new Outcome(ranges.size(), total, read, written, filtered, unreadable, false);
    }

    /** With a rate, waits until {@code read} records are due, in short naps that a cancellation ends. */
    private void throttle(long read, long started, BooleanSupplier cancelled) throws InterruptedException {
        if (command.rate() == null) {
            return;
        }
        long due = started + read * 1_000_000_000L / command.rate();
        while (System.nanoTime() < due && !cancelled.getAsBoolean()) {
            Thread.sleep(Math.max(1, Math.min(100, (due - System.nanoTime()) / 1_000_000)));
        }
    }

    /** Each partition's {@code [start, end)}, fixed now; partitions with nothing to read are left out. */
    private Map<TopicPartition, long[]> ranges(ToLongFunction<TopicPartition> storeStart) {
        List<TopicPartition> partitions = new ArrayList<>();
        if (storeStart == null && !command.offsets().isEmpty()) {
            command.offsets().forEach(r -> partitions.add(new TopicPartition(r.topic(), r.partition())));
        } else {
            List<String> topics = storeStart != null || command.topics().isEmpty() ? Topics.AUDITED : command.topics();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty()) {
                    throw new ReplayFailure(ErrorCodes.REPLAY_SOURCE_MISSING, "Topic " + topic + " does not exist.");
                }
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
        }
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        Map<TopicPartition, Long> starts = new HashMap<>();
        Map<TopicPartition, Long> stops = new HashMap<>();
        if (storeStart != null) {
            partitions.forEach(tp -> starts.put(tp, storeStart.applyAsLong(tp)));
        } else if (!command.offsets().isEmpty()) {
            for (ReplayAudit.OffsetRange r : command.offsets()) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (!ends.containsKey(tp)) {
                    throw new ReplayFailure(ErrorCodes.REPLAY_SOURCE_MISSING, "Partition " + tp + " does not exist.");
                }
                starts.put(tp, r.from());
                if (r.to() != null) {
                    stops.put(tp, r.to());
                }
            }
        } else {
            if (command.from() != null) {
                times(partitions, command.from().toEpochMilli(), ends).forEach(starts::put);
            }
            if (command.to() != null) {
                times(partitions, command.to().toEpochMilli(), ends).forEach(stops::put);
            }
        }
        List<String> truncated = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            long begin = begins.getOrDefault(tp, 0L);
            long end = ends.getOrDefault(tp, 0L);
            long start = starts.getOrDefault(tp, begin);
            if (start < begin) {
                truncated.add(tp + " from " + begin + " (asked " + start + ")");
                start = begin;
            }
            long stop = Math.min(stops.getOrDefault(tp, end), end);
            if (start < stop) {
                ranges.put(tp, new long[] {start, stop});
            }
        }
        if (!truncated.isEmpty()) {
            warnings.add(new Warning(
                    "AUDIT",
                    ErrorCodes.RANGE_TRUNCATED,
                    "The topics no longer hold part of the range (retention): read " + String.join(", ", truncated)
                            + "."));
        }
        return ranges;
    }

    /** The first offset at or after {@code millis} per partition; the end where no record is that late. */
    private Map<TopicPartition, Long> times(
            List<TopicPartition> partitions, long millis, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, millis));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            offsets.put(tp, at == null ? ends.getOrDefault(tp, 0L) : at.offset());
        }
        return offsets;
    }

    private CloudEvent readable(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return codec.read(new String(value, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private boolean matches(CloudEvent event) {
        if (command.tenant() != null && !command.tenant().equals(event.tenant())) {
            return false;
        }
        return command.types().isEmpty() || command.types().contains(event.type());
    }
}
