package io.hostplane.api.domains;

import io.hostplane.api.system.ApiException;
import io.hostplane.api.tokens.ApiPrincipal;
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
        String name = DomainNames.normalise(domain).orElse("");
        if (!caller.mayActOn(name)) {
            return Mono.error(ApiException.forbidden("Token is not allowed for domain " + domain + "."));
        }
        return domains.find(name)
                .filter(d -> caller.canAccessTenant(d.tenant()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No domain " + domain + ".")));
    }

    /** As {@link #find}, and 409 while the domain is being deleted: nothing more may change in it. */
    public Mono<DomainView> forChange(String domain, ApiPrincipal caller) {
        return find(domain, caller)
                .flatMap(d -> d.status().equals("deleting")
                        ? Mono.error(ApiException.conflict(
                                "Domain " + d.name() + " is being deleted; it takes no more changes.",
                                "DOMAIN_DELETING"))
                        : Mono.just(d));
    }
}
