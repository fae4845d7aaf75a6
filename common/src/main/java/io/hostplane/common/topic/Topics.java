package io.hostplane.common.topic;

import java.util.List;

/** Kafka topic names (DESIGN.md, "Topics"). */
public final class Topics {

    /** One command per job, keyed {@code tenant/kind/name} so that one resource's changes keep their order. */
    public static final String COMMANDS = "hostplane.commands";

    /** Job state transitions, keyed by job id. */
    public static final String JOB_EVENTS = "hostplane.job-events";

    /** Request records and other audit facts, keyed by tenant. */
    public static final String AUDIT = "hostplane.audit";

    /** Replay jobs, executed by the audit service, keyed by job id. */
    public static final String AUDIT_REPLAYS = "hostplane.audit-replays";

    /** Commands that cannot be read at all, with the reason. */
    public static final String COMMANDS_DLQ = "hostplane.commands.dlq";

    /** Every topic the platform declares, in a stable order. */
    public static final List<String> ALL = List.of(COMMANDS, JOB_EVENTS, AUDIT, AUDIT_REPLAYS, COMMANDS_DLQ);

    /** The topics the audit service stores. */
    public static final List<String> AUDITED = List.of(COMMANDS, JOB_EVENTS, AUDIT);

    /**
     * Replays into a topic may only write topics named with this prefix, so that a replay can never feed
     * commands back to the workers or events into the live stream.
     */
    public static final String REPLAY_TOPIC_PREFIX = "hostplane.replay.";

    /** Consumer group of the audit service's replay executors (the live ingest group is never touched). */
    public static final String AUDIT_REPLAYS_GROUP = "hostplane-audit-replays";

    /** Consumer group of the worker replicas. */
    public static final String WORKER_GROUP = "hostplane-worker";

    /** Consumer group of the audit service. */
    public static final String AUDIT_GROUP = "hostplane-audit";

    /** Consumer group in which the API replicas fold job events into job rows. */
    public static final String API_JOBS_GROUP = "hostplane-api-jobs";

    private Topics() {}

    /** The record key of a command: {@code tenant/kind/name}, e.g. {@code t_42/zone/example.com}. */
    public static String commandKey(String tenant, String kind, String name) {
        return tenant + "/" + kind + "/" + name;
    }
}
