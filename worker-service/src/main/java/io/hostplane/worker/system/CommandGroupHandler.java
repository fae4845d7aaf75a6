package io.hostplane.worker.system;

import io.hostplane.common.event.CloudEvent;
import java.util.List;

/**
 * Applies consecutive commands that change one resource together, in one call to the backend, while each job
 * keeps its own outcome. The {@link CommandBatchRunner} asks it about every command; commands with the same
 * {@link #groupKey} that follow each other on one Kafka key in a batch (nothing else of that key between them)
 * are handed over together, in acceptance order.
 */
public interface CommandGroupHandler {

    /**
     * The resource the command changes, when it may be applied together with neighbours of the same key (e.g.
     * {@code dns/example.com}); {@code null} when it runs alone.
     */
    String groupKey(String jobType, CloudEvent command);

    /**
     * Applies {@code commands} in order, together. Returns one result for each of a leading part of them (all,
     * fewer, or none): those jobs are done, applied or failed on their own; the caller runs the rest. Throws
     * {@link TransientBackendException} when nothing was applied and trying again may help; any other exception
     * also means nothing was applied, and the caller then runs each job alone.
     */
    List<JobResult> handleTogether(List<CloudEvent> commands);
}
