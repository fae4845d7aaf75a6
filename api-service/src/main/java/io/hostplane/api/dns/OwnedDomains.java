package io.hostplane.api.dns;

import io.hostplane.api.domains.DomainNames;
import io.hostplane.api.domains.DomainStore;
import io.hostplane.api.domains.DomainView;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.tokens.ApiPrincipal;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The domain a DNS route names, if the caller may act on it. */
@Component
class OwnedDomains {

    private final DomainStore domains;

    OwnedDomains(DomainStore domains) {
        this.domains = domains;
    }

    /** The domain if the caller may see it; otherwise 404, the same answer as for a name that does not exist. */
    Mono<DomainView> find(String domain, ApiPrincipal caller) {
        String name = DomainNames.normalise(domain).orElse("");
        if (!caller.mayActOn(name)) {
            return Mono.error(ApiException.forbidden("Token is not allowed for domain " + domain + "."));
        }
        return domains.find(name)
                .filter(d -> caller.canAccessTenant(d.tenant()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No domain " + domain + ".")));
    }
}
