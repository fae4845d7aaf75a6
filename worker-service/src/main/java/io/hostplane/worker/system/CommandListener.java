package io.hostplane.worker.system;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.stereotype.Component;

/**
 * Takes the commands of each poll of {@code hostplane.commands} (consumer group {@code hostplane-worker}; each
 * partition, hence each zone, is handled by one worker at a time, in order) and runs them in offset order:
 * alone ({@link JobRunner}), or, where consecutive commands of one partition change the same resource and a
 * {@link CommandGroupHandler} can apply them together, as a group ({@link JobGroupRunner}). Every outcome is
 * acknowledged by Kafka before the poll's offsets are committed.
 *
 * <p>A record that is not a readable command goes to {@code hostplane.commands.dlq} with the reason, and the
 * next one is taken. If running a command throws (the worker's database is down), the offsets before it are
 * committed and the container retries from it, for as long as it takes.
 */
@Component
class CommandListener {

    private static final Logger log = LoggerFactory.getLogger(CommandListener.class);

    private final EventCodec codec;
    private final KafkaTemplate<String, String> kafka;
    private final JobRunner runner;
    private final JobGroupRunner groups;
    private final List<CommandGroupHandler> groupHandlers;

    CommandListener(
            EventCodec codec,
            KafkaTemplate<String, String> kafka,
            JobRunner runner,
            JobGroupRunner groups,
            List<CommandGroupHandler> groupHandlers) {
        this.codec = codec;
        this.kafka = kafka;
        this.runner = runner;
        this.groups = groups;
        this.groupHandlers = groupHandlers;
    }

    @KafkaListener(id = "worker-commands", topics = Topics.COMMANDS, groupId = Topics.WORKER_GROUP, batch = "true")
    void onCommands(List<ConsumerRecord<String, String>> records) {
        List<Taken> taken = records.stream().map(this::take).toList();
        List<ReceivedCommand> read = taken.stream().map(Taken::command).toList(); // null where unreadable
        int i = 0;
        while (i < records.size()) {
            int first = i;
            try {
                ReceivedCommand command = read.get(i);
                if (command == null) {
                    deadLetter(records.get(i), taken.get(i).unreadable());
                    i++;
                    continue;
                }
                Grouping grouping = groupingOf(command);
                int end = i + 1;
                if (grouping != null) {
                    while (end < records.size()
                            && read.get(end) != null
                            && read.get(end - 1).followedBy(read.get(end))
                            && grouping.equals(groupingOf(read.get(end)))) {
                        end++;
                    }
                }
                if (end - i > 1) {
                    groups.run(grouping.handler(), grouping.key(), read.subList(i, end));
                } else {
                    runner.run(command);
                }
                i = end;
            } catch (Exception e) {
                throw new BatchListenerFailedException("processing a command failed", e, first);
            }
        }
    }

    private record Grouping(CommandGroupHandler handler, String key) {}

    private Grouping groupingOf(ReceivedCommand command) {
        for (CommandGroupHandler handler : groupHandlers) {
            String key = handler.groupKey(command.jobType(), command.command());
            if (key != null) {
                return new Grouping(handler, key);
            }
        }
        return null;
    }

    /** A record as read: the command, or why it is not a readable one. */
    private record Taken(ReceivedCommand command, String unreadable) {}

    private Taken take(ConsumerRecord<String, String> record) {
        try {
            CloudEvent command = codec.read(record.value());
            String jobType = EventTypes.jobTypeOfCommand(command.type());
            if (jobType == null) {
                throw new EventCodec.MalformedEventException("not a command type: " + command.type(), null);
            }
            if (command.jobid() == null) {
                throw new EventCodec.MalformedEventException("command without jobid", null);
            }
            return new Taken(
                    new ReceivedCommand(
                            record.partition(), record.offset(), command, jobType, UUID.fromString(command.jobid())),
                    null);
        } catch (RuntimeException e) {
            return new Taken(null, String.valueOf(e.getMessage()));
        }
    }

    private void deadLetter(ConsumerRecord<String, String> record, String reason) throws Exception {
        log.warn(
                "command at {}-{}@{} is unreadable, sent to {}: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                Topics.COMMANDS_DLQ,
                reason);
        ProducerRecord<String, String> dead = new ProducerRecord<>(Topics.COMMANDS_DLQ, record.key(), record.value());
        dead.headers().add("hostplane-dlq-reason", reason.getBytes(StandardCharsets.UTF_8));
        dead.headers()
                .add(
                        "hostplane-dlq-source",
                        (record.topic() + "-" + record.partition() + "@" + record.offset())
                                .getBytes(StandardCharsets.UTF_8));
        kafka.send(dead).get(30, TimeUnit.SECONDS);
    }
}
