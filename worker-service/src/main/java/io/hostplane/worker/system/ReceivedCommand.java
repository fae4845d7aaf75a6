package io.hostplane.worker.system;

import io.hostplane.common.event.CloudEvent;
import java.util.UUID;

/** A readable command as the listener took it from its partition; {@code offset} becomes its outcome's sequence. */
record ReceivedCommand(int partition, long offset, CloudEvent command, String jobType, UUID jobId) {

    /** True when {@code next} directly follows this command in the same partition. */
    boolean followedBy(ReceivedCommand next) {
        return next.partition == partition && next.offset == offset + 1;
    }
}
