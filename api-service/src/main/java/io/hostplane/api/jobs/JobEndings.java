package io.hostplane.api.jobs;

import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Told which jobs have just ended (succeeded, failed or cancelled), inside the transaction that ended them, so
 * that what follows from an ending commits with it or not at all. The callbacks feature queues a job's
 * completion callback here; the job engine knows nothing of callbacks.
 */
public interface JobEndings {

    /** {@code jobIds} ended in the current transaction (some may name no callback: nothing to do for those). */
    Mono<Void> ended(List<UUID> jobIds);
}
