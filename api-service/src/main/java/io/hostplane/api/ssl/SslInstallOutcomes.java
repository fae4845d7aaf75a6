package io.hostplane.api.ssl;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.UUID;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Marks the certificate installed (and older ones replaced) when an {@code ssl.install} job succeeds. */
@Component
class SslInstallOutcomes implements JobOutcomeApplier {

    private final SslCertificateStore certificates;

    SslInstallOutcomes(SslCertificateStore certificates) {
        this.certificates = certificates;
    }

    @Override
    public String jobType() {
        return JobTypes.SSL_INSTALL;
    }

    @Override
    public Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event) {
        String id = event.result().path("certificate_id").asString();
        String domain = event.result().path("domain").asString();
        return certificates.installed(UUID.fromString(id), domain);
    }
}
