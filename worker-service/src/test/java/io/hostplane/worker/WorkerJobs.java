package io.hostplane.worker;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.topic.Topics;
import io.hostplane.embedded.TestInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * A test's side of the worker's topics: sends commands for one tenant's zone to {@code hostplane.commands}
 * and reads what the worker says about them on {@code hostplane.job-events}.
 */
public final class WorkerJobs implements AutoCloseable {

    private final KafkaTemplate<String, String> kafka;
    private final EventCodec codec;
    private final String tenant;
    private final String zone;
    private final KafkaConsumer<String, String> jobEvents;
    private final List<CloudEvent> seen = new ArrayList<>();

    public WorkerJobs(KafkaTemplate<String, String> kafka, EventCodec codec, String tenant, String zone) {
        this.kafka = kafka;
        this.codec = codec;
        this.tenant = tenant;
        this.zone = zone;
        this.jobEvents = consumer(Topics.JOB_EVENTS);
    }

    /** A consumer of {@code topic} from its end, assigned its partitions before this returns. */
    public static KafkaConsumer<String, String> consumer(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "worker-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "latest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100));
        }
        return consumer;
    }

    public String key() {
        return Topics.commandKey(tenant, "zone", zone);
    }

    public CloudEvent command(String type, Object data) {
        String jobId = Ids.uuidV7().toString();
        return codec.event(
                "/test", EventTypes.command(type), "domains/" + zone, tenant, "req-" + jobId, jobId, null, data);
    }

    /** Sends a new command; returns its job id. */
    public String send(String type, Object data) throws Exception {
        return send(command(type, data));
    }

    /** Sends {@code command} (again, if it was sent before); returns its job id. */
    public String send(CloudEvent command) throws Exception {
        kafka.send(Topics.COMMANDS, key(), codec.write(command)).get();
        return command.jobid();
    }

    /** Sends {@code command} with {@code key} to {@code partition} of the commands topic; returns its offset. */
    public long sendTo(int partition, String key, CloudEvent command) throws Exception {
        return kafka.send(Topics.COMMANDS, partition, key, codec.write(command))
                .get()
                .getRecordMetadata()
                .offset();
    }

    /** The job's events up to and including its terminal one. */
    public List<JobStateChanged> awaitTerminal(String jobId) {
        return awaitTerminalEvents(jobId).stream()
                .map(e -> codec.data(e, JobStateChanged.class))
                .toList();
    }

    public List<CloudEvent> awaitTerminalEvents(String jobId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<CloudEvent> mine =
                    seen.stream().filter(e -> jobId.equals(e.jobid())).toList();
            if (mine.stream()
                    .anyMatch(e -> codec.data(e, JobStateChanged.class).status().isTerminal())) {
                return mine;
            }
            jobEvents.poll(Duration.ofMillis(300)).forEach(r -> seen.add(codec.read(r.value())));
        }
        throw new AssertionError("job " + jobId + " did not finish; seen " + seen.size() + " events");
    }

    /** The next job event, among those not seen yet, that matches. */
    public CloudEvent awaitEvent(Predicate<CloudEvent> match) {
        return awaitEvent(seen(), match);
    }

    /** True if an event of {@code jobId} with {@code status} was seen (reading what has arrived first). */
    public boolean seen(String jobId, JobStatus status) {
        jobEvents.poll(Duration.ofMillis(100)).forEach(r -> seen.add(codec.read(r.value())));
        return seen.stream()
                .anyMatch(e -> jobId.equals(e.jobid())
                        && codec.data(e, JobStateChanged.class).status() == status);
    }

    /** Where {@code event} is among the events seen, in the order they arrived. */
    public int indexOf(CloudEvent event) {
        return seen.indexOf(event);
    }

    /** How many job events this has seen so far: a mark for {@link #awaitEvent(int, Predicate)}. */
    public int seen() {
        return seen.size();
    }

    /** The first job event that matches among those seen after the first {@code already}, waiting for it. */
    public CloudEvent awaitEvent(int already, Predicate<CloudEvent> match) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            jobEvents.poll(Duration.ofMillis(300)).forEach(r -> seen.add(codec.read(r.value())));
            for (int i = already; i < seen.size(); i++) {
                if (match.test(seen.get(i))) {
                    return seen.get(i);
                }
            }
        }
        throw new AssertionError("no matching job event");
    }

    @Override
    public void close() {
        jobEvents.close();
    }
}
