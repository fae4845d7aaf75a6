package io.hostplane.api.domains;

import io.hostplane.api.jobs.JobOutcomeApplier;
import io.hostplane.api.jobs.JobService;
import io.hostplane.api.jobs.JobView;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.CreateZone;
import io.hostplane.common.event.JobStateChanged;
import io.hostplane.common.job.JobTypes;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Adds domains. The domain row is claimed in the job's own transaction, so a name is never held without a
 * job that creates its zone, and two tenants racing for one name cannot both win.
 */
@Service
public class DomainService implements JobOutcomeApplier {

    private final DomainStore domains;
    private final JobService jobs;
    private final DomainProperties properties;

    DomainService(DomainStore domains, JobService jobs, DomainProperties properties) {
        this.domains = domains;
        this.jobs = jobs;
        this.properties = properties;
    }

    /** Validates {@code rawName} and accepts a {@code domain.create} job for {@code tenant}. */
    public Mono<JobView> create(String tenant, String rawName, ApiPrincipal caller, String requestId) {
        String name = DomainNames.normalise(rawName)
                .orElseThrow(() -> ApiException.badRequest(
                        "Invalid domain name.",
                        List.of(new FieldError("name", ErrorCodes.INVALID, "Not a valid domain name."))));
        DomainNames.refusal(name, properties.allowReservedTlds()).ifPresent(error -> {
            throw ApiException.badRequest(error.message(), List.of(error));
        });
        JobService.NewJob job = new JobService.NewJob(
                tenant, JobTypes.DOMAIN_CREATE, "domains/" + name, "zone", name, new CreateZone(name));
        return jobs.accept(
                job,
                caller,
                requestId,
                jobId -> domains.insertPending(name, tenant)
                        .flatMap(inserted -> inserted
                                ? Mono.<Void>empty()
                                : Mono.error(ApiException.conflict(
                                        "Domain " + name + " is not available.", ErrorCodes.DOMAIN_UNAVAILABLE))));
    }

    @Override
    public String jobType() {
        return JobTypes.DOMAIN_CREATE;
    }

    @Override
    public Mono<Void> applySucceeded(UUID jobId, String tenant, JobStateChanged event) {
        return domains.activate(event.result().get("zone").asString());
    }
}
