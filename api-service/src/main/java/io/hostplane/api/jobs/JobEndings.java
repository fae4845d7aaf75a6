package io.hostplane.api.jobs;

import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Told which jobs have just ended (succeeded, failed or cancelled), inside the transaction that ended them, so
 * that what follows from an ending commits with it or not at all. The webhooks feature queues a job's
 * completion callback and its webhook events here; the job engine knows nothing of either.
 */
public interface JobEndings {

    /**
     * {@code jobIds} ended in the current transaction; {@code withCallback} are those of them that name a callback
     * URL (a subset; it may hold ids that turn out to name none).
     */
    Mono<Void> ended(List<UUID> jobIds, List<UUID> withCallback);
}
