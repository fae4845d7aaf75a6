package io.hostplane.worker.system;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * {@code running} only for jobs that take long: most jobs end within milliseconds, and a {@code running} event
 * for each would cost a Kafka record, an audit row and a fold per job for a state nobody sees. A job still at work
 * {@code hostplane.worker.running-after} (1 s) after it started gets its {@code running} event then, from a timer,
 * so that pollers learn it has started; a quick job's outcome carries its start time instead.
 *
 * <p>Order: a job's {@code running} event is sent under the watch's lock, and a job is marked ended under the same
 * lock before its outcome is sent, so a {@code running} event can never follow its job's outcome.
 */
@Component
class RunningReports implements DisposableBean {

    /** Sends the {@code running} event of a job that has been at work since {@code startedAt}. */
    interface Reporter {
        void running(ReceivedCommand job, Instant startedAt, JobTracing.JobTrace trace);
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "job-running-reports");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration after;

    RunningReports(WorkerProperties settings) {
        this.after = settings.runningAfter();
    }

    /** A watch over the jobs of one batch; close it when the batch is done. */
    Watch watch(Reporter reporter) {
        return new Watch(reporter);
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }

    final class Watch implements AutoCloseable {

        private record AtWork(ReceivedCommand job, Instant since, JobTracing.JobTrace trace) {}

        private final Reporter reporter;
        private final Map<UUID, AtWork> atWork = new LinkedHashMap<>();
        private final ScheduledFuture<?> check;
        private boolean closed;

        private Watch(Reporter reporter) {
            this.reporter = reporter;
            long period = Math.max(10, after.toMillis() / 4);
            this.check = timer.scheduleWithFixedDelay(this::report, period, period, TimeUnit.MILLISECONDS);
        }

        synchronized void started(ReceivedCommand job, Instant since, JobTracing.JobTrace trace) {
            atWork.put(job.jobId(), new AtWork(job, since, trace));
        }

        /** The job has ended (its outcome is about to be sent): no {@code running} event for it after this. */
        synchronized void ended(UUID job) {
            atWork.remove(job);
        }

        private synchronized void report() {
            if (closed) {
                return;
            }
            Instant due = Instant.now().minus(after);
            for (Iterator<AtWork> it = atWork.values().iterator(); it.hasNext(); ) {
                AtWork job = it.next();
                if (!job.since().isAfter(due)) {
                    reporter.running(job.job(), job.since(), job.trace());
                    it.remove();
                }
            }
        }

        @Override
        public void close() {
            check.cancel(false);
            synchronized (this) {
                closed = true;
                atWork.clear();
            }
        }
    }
}
