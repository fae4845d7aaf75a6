package io.hostplane.api.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * A bounded buffer between request handling and Kafka for request records. Requests never wait for Kafka:
 * records queue here and one sender thread sends them in batches, retrying a failed batch (in order) until
 * Kafka takes it. When the buffer is full the API refuses new requests with 503 (unless
 * {@code hostplane.audit.requests.refuse-when-full=false}), rather than serve requests it cannot record;
 * {@code hostplane_request_records_dropped_total} counts records that could not be kept.
 */
@Component
public class RequestRecordBuffer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RequestRecordBuffer.class);

    private final BlockingQueue<ProducerRecord<String, String>> queue;
    private final KafkaTemplate<String, String> kafka;
    private final boolean refuseWhenFull;
    private final Counter dropped;
    private volatile boolean running;
    private Thread sender;

    RequestRecordBuffer(KafkaTemplate<String, String> kafka, MeterRegistry meters, RequestRecordProperties properties) {
        this.kafka = kafka;
        this.queue = new ArrayBlockingQueue<>(properties.bufferSize());
        this.refuseWhenFull = properties.refuseWhenFull();
        this.dropped = Counter.builder("hostplane.request.records.dropped")
                .description("Request records that could not be buffered for the audit topic")
                .register(meters);
        Gauge.builder("hostplane.request.records.buffered", queue, BlockingQueue::size)
                .description("Request records waiting to be sent to the audit topic")
                .register(meters);
    }

    /** Whether new requests should be refused because their records could not be kept. */
    public boolean refusesRequests() {
        return refuseWhenFull && queue.remainingCapacity() == 0;
    }

    void add(ProducerRecord<String, String> record) {
        if (!queue.offer(record)) {
            dropped.increment();
        }
    }

    int size() {
        return queue.size();
    }

    private void send() {
        List<ProducerRecord<String, String>> batch = new ArrayList<>();
        Duration backoff = Duration.ofMillis(200);
        while (running || !queue.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    ProducerRecord<String, String> first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, 999);
                }
                CompletableFuture<?>[] acks = batch.stream().map(kafka::send).toArray(CompletableFuture[]::new);
                CompletableFuture.allOf(acks).get(30, TimeUnit.SECONDS);
                batch.clear();
                backoff = Duration.ofMillis(200);
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (Exception e) {
                // Some records of the batch may have been sent; sending them again is safe (the audit
                // service drops a repeated event id), losing them is not.
                log.warn(
                        "{} request records not yet on the audit topic, retrying in {}: {}",
                        batch.size(),
                        backoff,
                        e.toString());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                        ? Duration.ofSeconds(10)
                        : backoff.multipliedBy(2);
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true;
        sender = new Thread(this::send, "request-records");
        sender.setDaemon(true);
        sender.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (sender != null) {
            try {
                sender.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sender.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
