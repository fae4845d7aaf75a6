package io.hostplane.api.jobs;

import io.hostplane.common.job.JobError;
import io.hostplane.common.job.JobStatus;
import io.hostplane.common.job.Warning;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A job as the API shows it (DESIGN.md, "Jobs"). */
public record JobView(
        String id,
        String type,
        JobStatus status,
        String tenant,
        String resource,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int attempts,
        List<Warning> warnings,
        JobError error,
        JsonNode result,
        Integer progress) {}
