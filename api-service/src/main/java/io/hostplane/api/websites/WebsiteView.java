package io.hostplane.api.websites;

import java.time.Instant;
import java.util.List;

/**
 * A website as the API shows it. {@code status} follows the job of its last change ({@code job_id}): {@code
 * pending}, {@code active}, {@code failed} (what was served before that change still is) or {@code deleting}.
 */
record WebsiteView(
        String id,
        String domain,
        List<String> aliases,
        String kind,
        String upstream,
        String upstreamAddress,
        String https,
        String status,
        String deployment,
        String jobId,
        Instant createdAt,
        Instant updatedAt) {

    static WebsiteView of(WebsiteStore.Stored w) {
        return new WebsiteView(
                w.id().toString(),
                w.domain(),
                w.aliases(),
                w.kind(),
                w.upstream(),
                w.upstreamAddress(),
                w.https(),
                w.status(),
                w.deployment() == null ? null : w.deployment().toString(),
                w.jobId().toString(),
                w.createdAt(),
                w.updatedAt());
    }
}
