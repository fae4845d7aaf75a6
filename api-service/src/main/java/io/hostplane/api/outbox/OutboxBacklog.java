package io.hostplane.api.outbox;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The gauge {@code hostplane.outbox.backlog}: rows stored in the outbox and not yet relayed to Kafka, counted
 * every {@code hostplane.metrics.refresh} (10 s). Every replica reports the same figure; take the maximum, not the
 * sum, across replicas.
 */
@Component
class OutboxBacklog {

    private static final Logger log = LoggerFactory.getLogger(OutboxBacklog.class);

    private final DatabaseClient db;
    private final AtomicLong backlog = new AtomicLong();

    OutboxBacklog(DatabaseClient db, MeterRegistry registry) {
        this.db = db;
        Gauge.builder("hostplane.outbox.backlog", backlog, AtomicLong::get)
                .description("Commands and events stored in the outbox, not yet relayed to Kafka")
                .register(registry);
    }

    @Scheduled(fixedDelayString = "${hostplane.metrics.refresh:PT10S}", initialDelayString = "PT2S")
    void refresh() {
        db.sql("select count(*) as n from api.outbox")
                .map((row, meta) -> row.get("n", Long.class))
                .one()
                .subscribe(
                        n -> backlog.set(n == null ? 0 : n),
                        e -> log.debug("outbox backlog not counted: {}", e.toString()));
    }
}
