package io.hostplane.api.domains;

import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ErrorCodes;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The domain a route names, if the caller may act on it. */
@Component
public class OwnedDomains {

    private final DomainStore domains;

    OwnedDomains(DomainStore domains) {
        this.domains = domains;
    }

    /** The domain if the caller may see it; otherwise 404, the same answer as for a name that does not exist. */
    public Mono<DomainView> find(String domain, ApiPrincipal caller) {
        return find(domain, caller, false);
    }

    /** As {@link #find}, and 409 while the domain is being deleted: nothing more may change in it. */
    public Mono<DomainView> forChange(String domain, ApiPrincipal caller) {
        return find(domain, caller, false).flatMap(OwnedDomains::changeable);
    }

    /**
     * As {@link #forChange}, answered from memory when this replica looked the domain up within
     * {@code hostplane.domains.cache-ttl}: for jobs that name the domain ({@code NewJob.domain}), whose acceptance
     * checks in its own statement that the domain is still the tenant's and not being deleted. A change accepted
     * on a stale answer is therefore refused at the commit, as it would have been here.
     */
    public Mono<DomainView> forJob(String domain, ApiPrincipal caller) {
        return find(domain, caller, true).flatMap(OwnedDomains::changeable);
    }

    private Mono<DomainView> find(String domain, ApiPrincipal caller, boolean cached) {
        String name = DomainNames.normalise(domain).orElse("");
        if (!caller.mayActOn(name)) {
            return Mono.error(ApiException.forbidden("Token is not allowed for domain " + domain + "."));
        }
        return (cached ? domains.findRecent(name) : domains.find(name))
                .filter(d -> caller.canAccessTenant(d.tenant()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No domain " + domain + ".")));
    }

    private static Mono<DomainView> changeable(DomainView d) {
        return d.status().equals("deleting")
                ? Mono.error(ApiException.conflict(
                        "Domain " + d.name() + " is being deleted; it takes no more changes.",
                        ErrorCodes.DOMAIN_DELETING))
                : Mono.just(d);
    }
}
