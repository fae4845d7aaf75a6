package io.hostplane.worker.system;

import io.hostplane.common.event.CloudEvent;
import java.util.Objects;
import java.util.UUID;

/** A readable command as the listener took it from its partition; {@code offset} becomes its outcome's sequence. */
record ReceivedCommand(int partition, long offset, String key, CloudEvent command, String jobType, UUID jobId) {

    /**
     * True when {@code next} comes later on the same key of the same partition: the two change the same resource,
     * in this order (records of other keys in between change other resources).
     */
    boolean sameKeyBefore(ReceivedCommand next) {
        return next.partition == partition && next.offset > offset && Objects.equals(next.key, key);
    }
}
