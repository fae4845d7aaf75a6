package io.hostplane.audit.ingest;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.topic.Topics;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Consumes {@code hostplane.commands}, {@code hostplane.job-events} and {@code hostplane.audit} into
 * {@code audit.events}. Each poll's records are written in one transaction, in offset order, and the
 * offsets are committed only after it commits; a row whose {@code (source, id)} is already stored is
 * skipped. So a restart or a redelivery neither loses nor doubles an event.
 */
@Component
class AuditIngestor {

    private static final Logger log = LoggerFactory.getLogger(AuditIngestor.class);
    private static final String INSERT =
            "insert into audit.events (event_id, source, type, subject, tenant, request_id, "
                    + "job_id, occurred_at, topic, kafka_partition, kafka_offset, event) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) on conflict (source, event_id) do nothing";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final EventCodec codec;

    AuditIngestor(JdbcTemplate jdbc, TransactionTemplate tx, EventCodec codec) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.codec = codec;
    }

    @KafkaListener(
            id = "audit-ingest",
            topics = {Topics.COMMANDS, Topics.JOB_EVENTS, Topics.AUDIT},
            groupId = Topics.AUDIT_GROUP,
            batch = "true")
    void onRecords(List<ConsumerRecord<String, String>> records) {
        List<Object[]> rows = new ArrayList<>(records.size());
        for (ConsumerRecord<String, String> record : records) {
            CloudEvent event;
            try {
                event = codec.read(record.value());
            } catch (EventCodec.MalformedEventException e) {
                log.warn(
                        "not storing unreadable record {}-{}@{}: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.getMessage());
                continue;
            }
            Instant time = event.time() == null ? Instant.ofEpochMilli(record.timestamp()) : event.time();
            rows.add(new Object[] {
                event.id(),
                event.source(),
                event.type(),
                event.subject(),
                event.tenant(),
                event.requestid(),
                event.jobid(),
                time.atOffset(ZoneOffset.UTC),
                record.topic(),
                record.partition(),
                record.offset(),
                record.value()
            });
        }
        if (rows.isEmpty()) {
            return;
        }
        int[] types = {
            Types.VARCHAR,
            Types.VARCHAR,
            Types.VARCHAR,
            Types.VARCHAR,
            Types.VARCHAR,
            Types.VARCHAR,
            Types.VARCHAR,
            Types.TIMESTAMP_WITH_TIMEZONE,
            Types.VARCHAR,
            Types.INTEGER,
            Types.BIGINT,
            Types.VARCHAR
        };
        tx.executeWithoutResult(status -> jdbc.batchUpdate(INSERT, rows, types));
    }
}
