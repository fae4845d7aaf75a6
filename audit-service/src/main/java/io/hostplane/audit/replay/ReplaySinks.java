package io.hostplane.audit.replay;

import io.hostplane.audit.ingest.AuditIngestor;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.EventCodec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/** The three places a replay can write to. */
final class ReplaySinks {

    /** Header on each replayed record: where it was read ({@code topic/partition/offset}). */
    static final String SOURCE_HEADER = "hostplane-replay-source";

    /** Header on each replayed record: the replay job that wrote it. */
    static final String JOB_HEADER = "hostplane-replay-job";

    private ReplaySinks() {}

    /**
     * Polls whose sends may be unacknowledged at once. A poll holds a few hundred to 2000 records; waiting for
     * each poll's acknowledgements before reading the next made a replay wait for the producer's linger and a
     * round trip per poll (about half its time, measured). The producer's own buffer bounds the memory.
     */
    static final int POLLS_IN_FLIGHT = 16;

    /**
     * Into a {@code hostplane.replay.*} topic (created when missing), keeping each record's key (so one
     * resource's events keep their order), value and time, plus the two replay headers. At most
     * {@link #POLLS_IN_FLIGHT} polls' sends are unacknowledged; a failed send fails the replay at the next poll
     * or at the end.
     */
    static ReplayRun.Sink topic(
            Producer<byte[], byte[]> producer, KafkaAdmin admin, String topic, int partitions, UUID jobId) {
        NewTopic created = TopicBuilder.name(topic).partitions(partitions).build();
        admin.createOrModifyTopics(created);
        byte[] job = jobId.toString().getBytes(StandardCharsets.UTF_8);
        return new ReplayRun.Sink() {
            /** Each unacknowledged poll, oldest first: done when the broker has acknowledged all its records. */
            private final Deque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();

            @Override
            public long write(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
                if (records.isEmpty()) {
                    return 0;
                }
                CompletableFuture<Void> poll = new CompletableFuture<>();
                AtomicInteger unacknowledged = new AtomicInteger(records.size());
                Callback acknowledged = (metadata, e) -> {
                    if (e != null) {
                        poll.completeExceptionally(e);
                    } else if (unacknowledged.decrementAndGet() == 0) {
                        poll.complete(null);
                    }
                };
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    ProducerRecord<byte[], byte[]> out =
                            new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value());
                    out.headers().add(new RecordHeader(JOB_HEADER, job));
                    out.headers()
                            .add(new RecordHeader(
                                    SOURCE_HEADER,
                                    (r.topic() + "/" + r.partition() + "/" + r.offset())
                                            .getBytes(StandardCharsets.UTF_8)));
                    producer.send(out, acknowledged);
                }
                inFlight.addLast(poll);
                // Acknowledged polls leave (a failed one throws here); beyond the limit, wait for the oldest.
                while (!inFlight.isEmpty() && (inFlight.peekFirst().isDone() || inFlight.size() > POLLS_IN_FLIGHT)) {
                    inFlight.removeFirst().get(60, TimeUnit.SECONDS);
                }
                return records.size();
            }

            @Override
            public void finish() throws Exception {
                producer.flush();
                while (!inFlight.isEmpty()) {
                    inFlight.removeFirst().get(60, TimeUnit.SECONDS);
                }
            }

            @Override
            public void abandon() {
                // What reached the topic stays; the job's result says how much.
            }
        };
    }

    /**
     * Into an NDJSON file in the replay directory: written as {@code name.partial}, synced and renamed into place
     * at the end, so a reader never sees half a replay under the final name. An existing file is never replaced.
     */
    static ReplayRun.Sink file(Path dir, String name, EventCodec codec) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(name).normalize();
        if (!target.getParent().equals(dir.normalize())) {
            throw new ReplayRun.ReplayFailure(
                    ErrorCodes.REPLAY_TARGET_INVALID, "The file must be a plain name: " + name);
        }
        if (Files.exists(target)) {
            throw new ReplayRun.ReplayFailure(
                    ErrorCodes.REPLAY_TARGET_EXISTS,
                    "File " + name + " exists in the replay directory; choose another name.");
        }
        Path partial = dir.resolve(name + ".partial");
        OutputStream out = new BufferedOutputStream(
                Files.newOutputStream(
                        partial,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE),
                1 << 16);
        return new ReplayRun.Sink() {
            @Override
            public long write(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    // The record's UTF-8 as it is, unless it spans lines (a CR or LF byte is never part of a
                    // multi-byte character): then the event is written again on one line.
                    byte[] line = r.value();
                    if (hasLineBreak(line)) {
                        line = codec.write(codec.read(new String(line, StandardCharsets.UTF_8)))
                                .getBytes(StandardCharsets.UTF_8);
                    }
                    out.write(line);
                    out.write('\n');
                }
                return records.size();
            }

            @Override
            public void finish() throws IOException {
                out.close();
                try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                if (Files.exists(target)) {
                    throw new ReplayRun.ReplayFailure(
                            ErrorCodes.REPLAY_TARGET_EXISTS, "File " + name + " appeared while the replay ran.");
                }
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void abandon() {
                try {
                    out.close();
                    Files.deleteIfExists(partial);
                } catch (IOException e) {
                    // The partial file stays; its name says what it is.
                }
            }
        };
    }

    /** Into the audit store, through the live ingestor's own code: the same chains, the same hashes. */
    static ReplayRun.Sink store(AuditIngestor ingestor) {
        return new ReplayRun.Sink() {
            @Override
            public long write(List<ConsumerRecord<byte[], byte[]>> records) {
                List<ConsumerRecord<String, String>> decoded = new ArrayList<>(records.size());
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    decoded.add(new ConsumerRecord<>(
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            r.timestamp(),
                            r.timestampType(),
                            r.serializedKeySize(),
                            r.serializedValueSize(),
                            text(r.key()),
                            text(r.value()),
                            r.headers(),
                            r.leaderEpoch()));
                }
                return ingestor.ingest(decoded);
            }

            @Override
            public void finish() {}

            @Override
            public void abandon() {}
        };
    }

    private static boolean hasLineBreak(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '\n' || b == '\r') {
                return true;
            }
        }
        return false;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
