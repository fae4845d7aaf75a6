package io.hostplane.worker.system;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The bookkeeping of key-ordered parallel processing, without Kafka's consumer or any thread: which records were
 * read and are not finished, in one <em>lane</em> per key of each partition, which lanes may be given to a batch
 * now, and the offset each partition may commit.
 *
 * <ul>
 *   <li>A lane's records go out in offset order, and a lane is in at most one batch at a time: the next of its
 *       records is given out only after the batch holding the previous ones has finished. Different keys of one
 *       partition are independent (a job's key names the resource it changes: a zone, a domain's certificate).
 *   <li>Lanes are served in turn: a lane that still has records after its batch goes behind the lanes that
 *       waited, and a batch takes at most {@code maxPerLane} records of one lane, so a key with a thousand queued
 *       jobs shares the workers with a key that has one.
 *   <li>A partition may commit the offset of its lowest unfinished record (everything below it is finished), or,
 *       with none unfinished, the offset after the last record read.
 * </ul>
 *
 * <p>Not thread-safe: the consumer's thread is its only user.
 */
final class KeyedLanes {

    /** The records of one key of one partition that are read and not finished, in offset order. */
    private static final class Lane {
        final TopicPartition partition;
        final String key;
        final ArrayDeque<ConsumerRecord<String, String>> queued = new ArrayDeque<>();
        boolean busy;
        /** After a failed batch: not given out again before {@link #notBefore} ({@link System#nanoTime()}). */
        boolean delayed;

        long notBefore;

        Lane(TopicPartition partition, String key) {
            this.partition = partition;
            this.key = key;
        }
    }

    private record LaneId(TopicPartition partition, String key) {}

    private static final class PartitionState {
        final TreeSet<Long> unfinished = new TreeSet<>();
        long next = -1;
        long committed = -1;
    }

    private final int maxPerLane;
    private final Map<LaneId, Lane> lanes = new HashMap<>();
    /** Lanes with queued records and no batch, in the order they became so. */
    private final LinkedHashSet<Lane> waiting = new LinkedHashSet<>();

    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

    KeyedLanes(int maxPerLane) {
        if (maxPerLane < 1) {
            throw new IllegalArgumentException("maxPerLane must be at least 1");
        }
        this.maxPerLane = maxPerLane;
    }

    /**
     * A record read from its partition (in offset order for that partition): queued on its key's lane; false if it
     * was read before (after a seek) and is here already.
     */
    boolean add(ConsumerRecord<String, String> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        PartitionState partition = partitions.computeIfAbsent(tp, p -> new PartitionState());
        if (record.offset() < partition.next) {
            return false;
        }
        partition.unfinished.add(record.offset());
        partition.next = record.offset() + 1;
        Lane lane = lanes.computeIfAbsent(new LaneId(tp, record.key()), id -> new Lane(id.partition(), id.key()));
        lane.queued.addLast(record);
        if (!lane.busy) {
            waiting.add(lane);
        }
        return true;
    }

    /** How many records of {@code partition} are read and not finished (queued or in a batch). */
    int unfinished(TopicPartition partition) {
        PartitionState state = partitions.get(partition);
        return state == null ? 0 : state.unfinished.size();
    }

    /** How many queued records a batch could take now. */
    int ready(long now) {
        int ready = 0;
        for (Lane lane : waiting) {
            if (due(lane, now)) {
                ready += Math.min(lane.queued.size(), maxPerLane);
            }
        }
        return ready;
    }

    /**
     * A batch of about {@code budget} records (at least one lane's worth if any is ready): whole turns of the lanes
     * waiting longest, at most {@code maxPerLane} records each, each lane's records in offset order and the lanes
     * with fewer records first, so that a key's single job is not applied after another key's hundred. The lanes
     * taken are busy until {@link #finished} is called with the batch.
     */
    List<ConsumerRecord<String, String>> take(int budget, long now) {
        List<List<ConsumerRecord<String, String>>> turns = new ArrayList<>();
        int taken = 0;
        for (Iterator<Lane> it = waiting.iterator(); it.hasNext() && taken < budget; ) {
            Lane lane = it.next();
            if (!due(lane, now)) {
                continue;
            }
            it.remove();
            lane.delayed = false;
            lane.busy = true;
            int n = Math.min(lane.queued.size(), Math.min(maxPerLane, Math.max(1, budget - taken)));
            List<ConsumerRecord<String, String>> turn = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                turn.add(lane.queued.pollFirst());
            }
            turns.add(turn);
            taken += n;
        }
        turns.sort(Comparator.comparingInt(List::size));
        List<ConsumerRecord<String, String>> batch = new ArrayList<>(taken);
        turns.forEach(batch::addAll);
        return batch;
    }

    /**
     * A batch from {@link #take} has ended: its first {@code done} records are finished; the others (after a
     * failure) go back to the front of their lanes, in order, not to be given out before {@code retryAt}.
     */
    void finished(List<ConsumerRecord<String, String>> batch, int done, long retryAt) {
        for (int i = 0; i < done; i++) {
            ConsumerRecord<String, String> record = batch.get(i);
            PartitionState partition = partitions.get(new TopicPartition(record.topic(), record.partition()));
            if (partition != null) {
                partition.unfinished.remove(record.offset());
            }
        }
        List<Lane> released = new ArrayList<>();
        for (int i = batch.size() - 1; i >= done; i--) {
            Lane lane = laneOf(batch.get(i));
            if (lane != null) {
                lane.queued.addFirst(batch.get(i));
                lane.delayed = true;
                lane.notBefore = retryAt;
            }
        }
        for (ConsumerRecord<String, String> record : batch) {
            Lane lane = laneOf(record);
            if (lane != null && lane.busy) {
                lane.busy = false;
                released.add(lane);
            }
        }
        for (Lane lane : released) {
            if (lane.queued.isEmpty()) {
                lanes.remove(new LaneId(lane.partition, lane.key));
            } else {
                waiting.add(lane);
            }
        }
    }

    /** True while a batch holds records of any of {@code partitions}. */
    boolean busy(Collection<TopicPartition> of) {
        for (Lane lane : lanes.values()) {
            if (lane.busy && of.contains(lane.partition)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The offsets to commit: for each partition whose position moved since the last call, the lowest unfinished
     * record's offset, or the one after the last record read.
     */
    Map<TopicPartition, OffsetAndMetadata> commits(Collection<TopicPartition> of) {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (TopicPartition tp : of) {
            PartitionState partition = partitions.get(tp);
            if (partition == null || partition.next < 0) {
                continue;
            }
            long position = partition.unfinished.isEmpty() ? partition.next : partition.unfinished.first();
            if (position != partition.committed) {
                commits.put(tp, new OffsetAndMetadata(position));
            }
        }
        return commits;
    }

    /** The offsets of {@link #commits} were committed. */
    void committed(Map<TopicPartition, OffsetAndMetadata> commits) {
        commits.forEach((tp, offset) -> {
            PartitionState partition = partitions.get(tp);
            if (partition != null) {
                partition.committed = offset.offset();
            }
        });
    }

    /** A commit of {@code offsets} failed: the positions are committed again next time. */
    void uncommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, offset) -> {
            PartitionState partition = partitions.get(tp);
            if (partition != null && partition.committed == offset.offset()) {
                partition.committed = -1;
            }
        });
    }

    /** Every partition with records read (for committing all of them). */
    Collection<TopicPartition> partitions() {
        return List.copyOf(partitions.keySet());
    }

    /** Forgets {@code revoked}: their queued records are dropped (whoever is assigned them next reads them again). */
    void forget(Collection<TopicPartition> revoked) {
        for (Iterator<Lane> it = lanes.values().iterator(); it.hasNext(); ) {
            Lane lane = it.next();
            if (revoked.contains(lane.partition)) {
                if (lane.busy) {
                    throw new IllegalStateException("a batch still holds records of " + lane.partition);
                }
                waiting.remove(lane);
                it.remove();
            }
        }
        revoked.forEach(partitions::remove);
    }

    private static boolean due(Lane lane, long now) {
        return !lane.delayed || lane.notBefore - now <= 0;
    }

    private Lane laneOf(ConsumerRecord<String, String> record) {
        return lanes.get(new LaneId(new TopicPartition(record.topic(), record.partition()), record.key()));
    }

    @Override
    public String toString() {
        return "KeyedLanes[lanes=" + lanes.size() + ", waiting=" + waiting.size() + ", partitions="
                + partitions.keySet().stream().map(Objects::toString).toList() + "]";
    }
}
