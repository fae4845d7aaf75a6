package io.hostplane.api.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;

/**
 * Reading Kafka in a test: a consumer polled until what the test waits for has come, bounded in time (Awaitility,
 * with the polls on the caller's thread, as a consumer wants).
 */
public final class KafkaPolls {

    private KafkaPolls() {}

    /** Polls {@code consumer}, handing each record to {@code each}, until {@code done}; fails naming {@code what}. */
    public static void until(
            String what,
            Duration atMost,
            KafkaConsumer<String, String> consumer,
            Consumer<ConsumerRecord<String, String>> each,
            BooleanSupplier done) {
        Awaitility.await(what)
                .atMost(atMost)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    if (!done.getAsBoolean()) {
                        consumer.poll(Duration.ofMillis(200)).forEach(each);
                    }
                    return done.getAsBoolean();
                });
    }

    /** The first record {@code consumer} gives that {@code matches}; fails naming {@code what}. */
    public static ConsumerRecord<String, String> first(
            String what,
            Duration atMost,
            KafkaConsumer<String, String> consumer,
            Predicate<ConsumerRecord<String, String>> matches) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        until(
                what,
                atMost,
                consumer,
                r -> {
                    if (found.isEmpty() && matches.test(r)) {
                        found.add(r);
                    }
                },
                () -> !found.isEmpty());
        return found.get(0);
    }
}
