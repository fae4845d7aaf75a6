package io.hostplane.api.domains;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.api.jobs.JobService;
import io.hostplane.api.jobs.JobView;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.DeleteZone;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Deletes domains: the job marks the domain {@code deleting} in its own transaction (DNS changes to it are
 * refused from then on), the worker removes the zone from the DNS backend after every change queued before
 * it (same command key, same partition), and when that succeeds the domain and its records are removed here
 * and the name is free again. If the backend fails, the domain stays {@code deleting} and the delete may be
 * sent again.
 */
@Service
class DomainDeletion implements JobOutcomeApplier {

    private final DomainStore domains;
    private final JobService jobs;

    DomainDeletion(DomainStore domains, JobService jobs) {
        this.domains = domains;
        this.jobs = jobs;
    }

    Mono<JobView> delete(DomainView domain, ApiPrincipal caller, String requestId) {
        if (domain.status().equals("pending")) {
            return Mono.error(ApiException.conflict(
                    "Domain " + domain.name() + " is still being created; delete it once it is active.",
                    ErrorCodes.DOMAIN_PENDING));
        }
        return domains.websitesUsing(domain.tenant(), domain.name())
                .collectList()
                .flatMap(websites -> websites.isEmpty()
                        ? accept(domain, caller, requestId)
                        : Mono.error(ApiException.conflict(
                                "Domain " + domain.name() + " is served by the websites of "
                                        + String.join(", ", websites) + "; delete them first.",
                                ErrorCodes.DOMAIN_IN_USE)));
    }

    private Mono<JobView> accept(DomainView domain, ApiPrincipal caller, String requestId) {
        JobService.NewJob job = new JobService.NewJob(
                domain.tenant(),
                JobTypes.DOMAIN_DELETE,
                "domains/" + domain.name(),
                "zone",
                domain.name(),
                new DeleteZone(domain.name()));
        return jobs.accept(
                job,
                caller,
                requestId,
                jobId -> domains.markDeleting(domain.name())
                        .flatMap(marked -> marked
                                ? Mono.<Void>empty()
                                : Mono.error(ApiException.notFound("No domain " + domain.name() + "."))));
    }

    @Override
    public String jobType() {
        return JobTypes.DOMAIN_DELETE;
    }

    @Override
    public Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event) {
        return domains.delete(event.result().get("zone").asString());
    }
}
