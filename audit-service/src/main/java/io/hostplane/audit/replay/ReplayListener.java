package io.hostplane.audit.replay;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.topic.Topics;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Takes replay commands and cancellations from {@code hostplane.audit-replays} into the replay log (one
 * transaction per record, before the offset is committed), and leaves running them to {@link ReplayExecutor}, so
 * that a long replay never holds up this consumer (a cancellation must get through while it runs).
 */
@Component
class ReplayListener {

    private static final Logger log = LoggerFactory.getLogger(ReplayListener.class);
    private static final String REPLAY_COMMAND = EventTypes.command(JobTypes.AUDIT_REPLAY);

    private final EventCodec codec;
    private final ReplayExecutor executor;

    ReplayListener(EventCodec codec, ReplayExecutor executor) {
        this.codec = codec;
        this.executor = executor;
    }

    @KafkaListener(
            id = "audit-replays",
            topics = Topics.AUDIT_REPLAYS,
            groupId = Topics.AUDIT_REPLAYS_GROUP,
            batch = "true")
    void onRecords(List<ConsumerRecord<String, String>> records) {
        for (ConsumerRecord<String, String> record : records) {
            CloudEvent event;
            UUID jobId;
            try {
                event = codec.read(record.value());
                jobId = UUID.fromString(event.jobid());
            } catch (RuntimeException e) {
                // Nothing to report to: without a job id there is no job. The audit log keeps no copy of this
                // topic, so say where it is.
                log.warn(
                        "ignoring unreadable record {}-{}@{} on {}: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        Topics.AUDIT_REPLAYS,
                        e.toString());
                continue;
            }
            if (REPLAY_COMMAND.equals(event.type())) {
                executor.received(jobId, record.value());
            } else if (EventTypes.AUDIT_REPLAY_CANCEL.equals(event.type())) {
                executor.cancel(jobId);
            } else {
                log.warn("ignoring event type {} on {}", event.type(), Topics.AUDIT_REPLAYS);
            }
        }
    }
}
