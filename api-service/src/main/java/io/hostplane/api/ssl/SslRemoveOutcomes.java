package io.hostplane.api.ssl;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Marks the removed certificate (and older uploads) {@code removed} when an {@code ssl.remove} job succeeds. */
@Component
class SslRemoveOutcomes implements JobOutcomeApplier {

    private final SslCertificateStore certificates;

    SslRemoveOutcomes(SslCertificateStore certificates) {
        this.certificates = certificates;
    }

    @Override
    public String jobType() {
        return JobTypes.SSL_REMOVE;
    }

    @Override
    public Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event) {
        String id = event.result().path("certificate_id").asString();
        String domain = event.result().path("domain").asString();
        return certificates.removed(UUID.fromString(id), domain);
    }
}
