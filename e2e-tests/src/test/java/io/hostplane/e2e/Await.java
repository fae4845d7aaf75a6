package io.hostplane.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The end-to-end tests' one way of waiting: a condition polled until it holds, bounded in time (Awaitility, every
 * 0.1 s). A wait never sleeps a fixed time for something it could observe.
 */
final class Await {

    interface Condition {
        boolean met() throws Exception;
    }

    private Await() {}

    /** Until {@code condition} holds, for up to 120 s. */
    static void until(Condition condition) {
        until("condition", Duration.ofSeconds(120), condition);
    }

    /** Until {@code condition} holds, for up to {@code atMost}; a failure names {@code what}. */
    static void until(String what, Duration atMost, Condition condition) {
        polling(what, atMost).until(condition::met);
    }

    /** The first value of {@code value} that {@code done} accepts, within {@code atMost}. */
    static <T> T until(String what, Duration atMost, Callable<T> value, Predicate<T> done) {
        return polling(what, atMost).until(value, v -> v != null && done.test(v));
    }

    /** A poll for {@code what}: at once, then every 0.1 s, for up to {@code atMost}. */
    static ConditionFactory polling(String what, Duration atMost) {
        return Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100));
    }
}
