package io.hostplane.e2e;

import java.time.Duration;

/** Polls a condition until it holds, bounded in time: the end-to-end tests' only way of waiting. */
final class Await {

    interface Condition {
        boolean met() throws Exception;
    }

    private Await() {}

    static void until(Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.met()) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("condition not met within 120 s");
    }
}
