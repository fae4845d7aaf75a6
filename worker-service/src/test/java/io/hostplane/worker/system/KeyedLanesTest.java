package io.hostplane.worker.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The bookkeeping of key-ordered parallel processing, without a broker: order per key, turns, offsets. */
@Tag("fast")
class KeyedLanesTest {

    private static final TopicPartition P0 = new TopicPartition("hostplane.commands", 0);
    private static final TopicPartition P1 = new TopicPartition("hostplane.commands", 1);

    private long offset;

    @Test
    void aKeyIsInOneBatchAtATimeAndItsRecordsGoOutInOrder() {
        KeyedLanes lanes = new KeyedLanes(100);
        List<ConsumerRecord<String, String>> a = List.of(add(lanes, 0, "a"), add(lanes, 0, "a"), add(lanes, 0, "a"));
        List<ConsumerRecord<String, String>> first = lanes.take(2, 0);
        assertThat(first).containsExactly(a.get(0), a.get(1));
        // The third record of "a" waits for the batch holding the first two, whatever the budget.
        assertThat(lanes.ready(0)).isZero();
        assertThat(lanes.take(10, 0)).isEmpty();
        lanes.finished(first, first.size(), 0);
        assertThat(lanes.take(10, 0)).containsExactly(a.get(2));
    }

    @Test
    void anotherKeyOfTheSamePartitionGoesOutWhileTheFirstIsBusy() {
        KeyedLanes lanes = new KeyedLanes(100);
        for (int i = 0; i < 50; i++) {
            add(lanes, 0, "busy");
        }
        List<ConsumerRecord<String, String>> busy = lanes.take(100, 0);
        assertThat(busy).hasSize(50);
        ConsumerRecord<String, String> quiet = add(lanes, 0, "quiet");
        assertThat(lanes.take(100, 0)).containsExactly(quiet);
    }

    @Test
    void aBatchTakesAtMostATurnOfEachKeyAndPutsTheSmallerTurnsFirst() {
        KeyedLanes lanes = new KeyedLanes(3);
        for (int i = 0; i < 5; i++) {
            add(lanes, 0, "many");
        }
        ConsumerRecord<String, String> one = add(lanes, 0, "one");
        List<ConsumerRecord<String, String>> batch = lanes.take(100, 0);
        assertThat(batch).hasSize(4);
        assertThat(batch.get(0)).isSameAs(one);
        assertThat(batch.subList(1, 4)).extracting(ConsumerRecord::key).containsOnly("many");
        lanes.finished(batch, batch.size(), 0);
        // "many" had its turn: its two remaining records come next.
        assertThat(lanes.take(100, 0)).extracting(ConsumerRecord::key).containsExactly("many", "many");
    }

    @Test
    void aLaneWithRecordsLeftAfterItsTurnGoesBehindTheLanesThatWaited() {
        KeyedLanes lanes = new KeyedLanes(1);
        add(lanes, 0, "a");
        add(lanes, 0, "a");
        List<ConsumerRecord<String, String>> firstA = lanes.take(1, 0);
        ConsumerRecord<String, String> b = add(lanes, 0, "b");
        lanes.finished(firstA, 1, 0);
        assertThat(lanes.take(1, 0)).containsExactly(b);
    }

    @Test
    void thePartitionCommitsItsLowestUnfinishedOffset() {
        KeyedLanes lanes = new KeyedLanes(100);
        ConsumerRecord<String, String> slow = add(lanes, 0, "slow");
        ConsumerRecord<String, String> quick = add(lanes, 0, "quick");
        List<ConsumerRecord<String, String>> slowBatch = lanes.take(1, 0);
        List<ConsumerRecord<String, String>> quickBatch = lanes.take(1, 0);
        assertThat(slowBatch).containsExactly(slow);
        assertThat(quickBatch).containsExactly(quick);
        lanes.finished(quickBatch, 1, 0);
        assertThat(lanes.commits(List.of(P0))).containsEntry(P0, new OffsetAndMetadata(slow.offset()));
        lanes.committed(lanes.commits(List.of(P0)));
        assertThat(lanes.commits(List.of(P0))).isEmpty(); // unchanged: nothing to commit
        lanes.finished(slowBatch, 1, 0);
        assertThat(lanes.commits(List.of(P0))).containsEntry(P0, new OffsetAndMetadata(quick.offset() + 1));
    }

    @Test
    void aFailedBatchGivesBackItsUnfinishedRecordsInOrderAfterItsDelay() {
        KeyedLanes lanes = new KeyedLanes(100);
        List<ConsumerRecord<String, String>> a = List.of(add(lanes, 0, "a"), add(lanes, 0, "a"), add(lanes, 0, "a"));
        List<ConsumerRecord<String, String>> batch = lanes.take(100, 0);
        ConsumerRecord<String, String> later = add(lanes, 0, "a");
        lanes.finished(batch, 1, 1_000);
        assertThat(lanes.ready(999)).isZero();
        assertThat(lanes.take(100, 999)).isEmpty();
        assertThat(lanes.commits(List.of(P0)))
                .containsEntry(P0, new OffsetAndMetadata(a.get(1).offset()));
        assertThat(lanes.take(100, 1_000)).containsExactly(a.get(1), a.get(2), later);
    }

    @Test
    void aRevokedPartitionIsForgottenOnlyWhenNoBatchHoldsItsRecords() {
        KeyedLanes lanes = new KeyedLanes(100);
        add(lanes, 0, "a");
        ConsumerRecord<String, String> other = add(lanes, 1, "b");
        List<ConsumerRecord<String, String>> batch = lanes.take(1, 0);
        assertThat(lanes.busy(List.of(P0))).isTrue();
        assertThatThrownBy(() -> lanes.forget(List.of(P0))).isInstanceOf(IllegalStateException.class);
        lanes.finished(batch, 1, 0);
        lanes.forget(List.of(P0));
        assertThat(lanes.unfinished(P0)).isZero();
        assertThat(lanes.take(100, 0)).containsExactly(other);
    }

    @Test
    void aRecordReadAgainAfterASeekIsNotQueuedTwice() {
        KeyedLanes lanes = new KeyedLanes(100);
        ConsumerRecord<String, String> first = add(lanes, 0, "a");
        assertThat(lanes.add(first)).isFalse();
        assertThat(lanes.unfinished(P0)).isEqualTo(1);
    }

    /**
     * Random records, batches taken and ended in random order, some failing: every key's records are finished in
     * offset order, exactly once, and no commit ever passes an unfinished record.
     */
    @Test
    void underRandomBatchesEachKeyFinishesInOrderAndCommitsNeverPassAnUnfinishedRecord() {
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            KeyedLanes lanes = new KeyedLanes(1 + random.nextInt(5));
            Map<String, List<Long>> finishedPerKey = new HashMap<>();
            Map<String, List<Long>> sentPerKey = new HashMap<>();
            TreeSet<Long> unfinished = new TreeSet<>();
            List<List<ConsumerRecord<String, String>>> inFlight = new ArrayList<>();
            Set<Long> finished = new HashSet<>();
            offset = 0;
            int toSend = 200;
            long now = 0;
            long committed = -1;
            while (toSend > 0 || !unfinished.isEmpty()) {
                now++;
                int step = random.nextInt(4);
                if (step == 0 && toSend > 0) {
                    String key = "k" + random.nextInt(6);
                    ConsumerRecord<String, String> r = add(lanes, 0, key);
                    sentPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r.offset());
                    unfinished.add(r.offset());
                    toSend--;
                } else if (step == 1) {
                    List<ConsumerRecord<String, String>> batch = lanes.take(1 + random.nextInt(8), now);
                    if (!batch.isEmpty()) {
                        inFlight.add(batch);
                    }
                } else if (!inFlight.isEmpty()) {
                    List<ConsumerRecord<String, String>> batch = inFlight.remove(random.nextInt(inFlight.size()));
                    int done = random.nextInt(5) == 0 ? random.nextInt(batch.size() + 1) : batch.size();
                    // The runner finishes a batch's records in its order, a prefix of it when it fails.
                    for (ConsumerRecord<String, String> r : batch.subList(0, done)) {
                        assertThat(finished.add(r.offset()))
                                .as("seed %d: finished twice", seed)
                                .isTrue();
                        finishedPerKey
                                .computeIfAbsent(r.key(), k -> new ArrayList<>())
                                .add(r.offset());
                        unfinished.remove(r.offset());
                    }
                    lanes.finished(batch, done, now + random.nextInt(3));
                }
                Map<TopicPartition, OffsetAndMetadata> commits = lanes.commits(List.of(P0));
                if (commits.containsKey(P0)) {
                    long position = commits.get(P0).offset();
                    assertThat(unfinished.isEmpty() || position <= unfinished.first())
                            .as("seed %d: commit %d passes unfinished %s", seed, position, unfinished)
                            .isTrue();
                    lanes.committed(commits);
                    committed = position;
                }
            }
            assertThat(finishedPerKey).as("seed %d", seed).isEqualTo(sentPerKey);
            assertThat(committed).as("seed %d: the last commit", seed).isEqualTo(offset);
        }
    }

    private ConsumerRecord<String, String> add(KeyedLanes lanes, int partition, String key) {
        ConsumerRecord<String, String> record =
                new ConsumerRecord<>("hostplane.commands", partition, offset++, key, "command " + offset);
        assertThat(lanes.add(record)).isTrue();
        return record;
    }
}
