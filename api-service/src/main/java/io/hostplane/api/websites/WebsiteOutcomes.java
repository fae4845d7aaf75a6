package io.hostplane.api.websites;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A {@code website.delete} that succeeded deletes the website's row and frees its names (unless a later change of
 * the website took over). A {@code website.apply} needs nothing here: the website's status follows its job.
 */
@Component
class WebsiteOutcomes implements JobOutcomeApplier {

    private final WebsiteStore websites;

    WebsiteOutcomes(WebsiteStore websites) {
        this.websites = websites;
    }

    @Override
    public String jobType() {
        return JobTypes.WEBSITE_DELETE;
    }

    @Override
    public Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event) {
        String id = event.result() == null
                ? null
                : event.result().path("website_id").asString(null);
        try {
            return id == null ? Mono.empty() : websites.deleted(UUID.fromString(id), jobId);
        } catch (IllegalArgumentException e) {
            return Mono.empty();
        }
    }
}
