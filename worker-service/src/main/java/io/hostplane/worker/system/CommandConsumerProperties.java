package io.hostplane.worker.system;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How {@link CommandConsumer} runs the commands it reads.
 *
 * @param concurrency batches run at the same time by one worker (each on its own thread, each holding one database
 *     connection while it runs)
 * @param maxInFlightPerPartition records of one partition read and not finished, at most: reading ahead this far
 *     lets a job behind another key's long queue be read and run soon; past it the partition is paused
 * @param maxBatch records in one batch, at most, and of one key in one batch (a key's turn)
 */
@ConfigurationProperties("hostplane.worker")
record CommandConsumerProperties(
        @DefaultValue("4") int concurrency,
        @DefaultValue("2000") int maxInFlightPerPartition,
        @DefaultValue("100") int maxBatch) {

    CommandConsumerProperties {
        if (concurrency < 1 || maxInFlightPerPartition < 1 || maxBatch < 1) {
            throw new IllegalArgumentException(
                    "hostplane.worker.concurrency, max-in-flight-per-partition and max-batch must be at least 1");
        }
    }
}
