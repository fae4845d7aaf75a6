package io.hostplane.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The consumers' error handling: when processing throws (the database or Kafka is down), the same record is
 * retried with pauses growing from 0.5 s to 30 s, never skipped. Nothing is lost; later records of the
 * partition wait behind it, so order holds. Each failed attempt is logged.
 */
public final class RetryForever {

    private static final Logger log = LoggerFactory.getLogger(RetryForever.class);

    private RetryForever() {}

    public static DefaultErrorHandler errorHandler() {
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler(backOff);
        handler.setRetryListeners((record, ex, attempt) -> log.warn(
                "processing {}-{}@{} failed (attempt {}), will retry: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                attempt,
                ex.getCause() == null ? ex.toString() : ex.getCause().toString()));
        return handler;
    }
}
