package io.hostplane.audit.replay;

import io.hostplane.audit.ingest.AuditIngestor;
import io.hostplane.common.event.EventCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;

/** The three places a replay can write to. */
final class ReplaySinks {

    /** Header on each replayed record: where it was read ({@code topic/partition/offset}). */
    static final String SOURCE_HEADER = "hostplane-replay-source";

    /** Header on each replayed record: the replay job that wrote it. */
    static final String JOB_HEADER = "hostplane-replay-job";

    private ReplaySinks() {}

    /**
     * Into a {@code hostplane.replay.*} topic (created when missing), keeping each record's key (so one
     * resource's events keep their order), value and time, plus the two replay headers. A poll's sends must be
     * acknowledged by the broker before the poll after next is written (one poll in flight).
     */
    static ReplayRun.Sink topic(
            KafkaTemplate<String, String> kafka, KafkaAdmin admin, String topic, int partitions, UUID jobId) {
        NewTopic created = TopicBuilder.name(topic).partitions(partitions).build();
        admin.createOrModifyTopics(created);
        byte[] job = jobId.toString().getBytes(StandardCharsets.UTF_8);
        return new ReplayRun.Sink() {
            /** The previous poll's sends: one poll is in flight while the next is read. */
            private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);

            @Override
            public long write(List<ConsumerRecord<String, String>> records) throws Exception {
                List<CompletableFuture<?>> sent = new ArrayList<>(records.size());
                for (ConsumerRecord<String, String> r : records) {
                    ProducerRecord<String, String> out =
                            new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value());
                    out.headers().add(new RecordHeader(JOB_HEADER, job));
                    out.headers()
                            .add(new RecordHeader(
                                    SOURCE_HEADER,
                                    (r.topic() + "/" + r.partition() + "/" + r.offset())
                                            .getBytes(StandardCharsets.UTF_8)));
                    sent.add(kafka.send(out));
                }
                inFlight.get(60, TimeUnit.SECONDS);
                inFlight = CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
                return records.size();
            }

            @Override
            public void finish() throws Exception {
                kafka.flush();
                inFlight.get(60, TimeUnit.SECONDS);
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
            throw new ReplayRun.ReplayFailure("REPLAY_TARGET_INVALID", "The file must be a plain name: " + name);
        }
        if (Files.exists(target)) {
            throw new ReplayRun.ReplayFailure(
                    "REPLAY_TARGET_EXISTS", "File " + name + " exists in the replay directory; choose another name.");
        }
        Path partial = dir.resolve(name + ".partial");
        BufferedWriter out = Files.newBufferedWriter(
                partial,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        return new ReplayRun.Sink() {
            @Override
            public long write(List<ConsumerRecord<String, String>> records) throws IOException {
                for (ConsumerRecord<String, String> r : records) {
                    String line = r.value();
                    if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                        line = codec.write(codec.read(line));
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
                            "REPLAY_TARGET_EXISTS", "File " + name + " appeared while the replay ran.");
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
            public long write(List<ConsumerRecord<String, String>> records) {
                return ingestor.ingest(records);
            }

            @Override
            public void finish() {}

            @Override
            public void abandon() {}
        };
    }
}
