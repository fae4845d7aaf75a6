package io.hostplane.api.system;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A background thread that runs rounds of work for as long as the application runs: again at once while a
 * round finds work, after {@code pollInterval} (or a {@link #wake()}) when it finds none, and after a pause
 * growing from 0.5 s to 10 s when a round fails (the database or Kafka is away).
 */
public abstract class PollingLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PollingLoop.class);

    private final String name;
    private final Duration pollInterval;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    protected PollingLoop(String name, Duration pollInterval) {
        this.name = name;
        this.pollInterval = pollInterval;
    }

    /** One round; returns how much it did (0: nothing to do now). */
    protected abstract int runOnce();

    /** Starts the next round now rather than at the next poll. */
    public void wake() {
        wakeUp.release();
    }

    private void loop() {
        Duration backoff = Duration.ZERO;
        while (running) {
            try {
                if (!backoff.isZero()) {
                    wakeUp.tryAcquire(backoff.toMillis(), TimeUnit.MILLISECONDS);
                }
                int done = runOnce();
                backoff = Duration.ZERO;
                if (done == 0) {
                    wakeUp.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                backoff = backoff.isZero()
                        ? Duration.ofMillis(500)
                        : min(backoff.multipliedBy(2), Duration.ofSeconds(10));
                if (running) {
                    log.warn("{} failed, retrying in {}: {}", name, backoff, e.toString());
                }
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
