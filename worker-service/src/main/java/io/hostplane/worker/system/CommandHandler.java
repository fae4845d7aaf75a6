package io.hostplane.worker.system;

import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.job.Warning;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Applies one job type's commands. Must be idempotent: the same command may arrive more than once. */
public interface CommandHandler {

    /** The job type handled, e.g. {@code dns.record.create}. */
    String jobType();

    /**
     * Applies the command. Throws {@link JobFailure} when the job cannot succeed (it fails at once), or
     * {@link TransientBackendException} when retrying may help.
     */
    Outcome handle(CloudEvent command);

    /** What a successful job reports: a result and any non-critical warnings. */
    record Outcome(JsonNode result, List<Warning> warnings) {}
}
