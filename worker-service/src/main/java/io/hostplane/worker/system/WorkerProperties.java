package io.hostplane.worker.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the worker reads, runs and retries commands ({@code hostplane.worker.*} in {@code worker-service.yml}).
 *
 * @param concurrency batches run at the same time by one worker ({@link CommandConsumer}), each on its own thread
 *     and holding one database connection while it runs
 * @param maxInFlightPerPartition records of one partition read and not finished, at most: reading ahead this far
 *     lets a job behind another key's long queue be read and run soon; past it the partition is paused
 * @param maxBatch records in one batch, at most, and of one key in one batch (a key's turn)
 * @param maxAttempts attempts of a job whose backend fails transiently, or whose handler throws something
 *     unexpected, before the job fails ({@link JobRunner})
 * @param firstBackoff the pause after a job's first failed attempt; it doubles with each further one, with jitter
 * @param outcomeFlushAfter how long a batch collects outcomes before it stores and sends them ({@link
 *     CommandBatchRunner}): a long batch does not hold back the outcomes of its first jobs
 * @param runningAfter a job still at work this long after it started gets its {@code running} event ({@link
 *     RunningReports}); quicker jobs have none
 * @param dbPoolSize connections of the worker's pool to its database (schema {@code worker}); at least {@code
 *     concurrency} plus one
 */
@ConfigurationProperties("hostplane.worker")
record WorkerProperties(
        @DefaultValue("4") int concurrency,
        @DefaultValue("2000") int maxInFlightPerPartition,
        @DefaultValue("100") int maxBatch,
        @DefaultValue("4") int maxAttempts,
        @DefaultValue("200ms") Duration firstBackoff,
        @DefaultValue("20ms") Duration outcomeFlushAfter,
        @DefaultValue("1s") Duration runningAfter,
        @DefaultValue("8") int dbPoolSize) {

    WorkerProperties {
        if (concurrency < 1 || maxInFlightPerPartition < 1 || maxBatch < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("hostplane.worker.concurrency, max-in-flight-per-partition, max-batch "
                    + "and max-attempts must be at least 1");
        }
        if (dbPoolSize <= concurrency) {
            throw new IllegalArgumentException("hostplane.worker.db-pool-size (" + dbPoolSize
                    + ") must be more than hostplane.worker.concurrency (" + concurrency
                    + "): each batch holds a connection while it runs");
        }
    }
}
