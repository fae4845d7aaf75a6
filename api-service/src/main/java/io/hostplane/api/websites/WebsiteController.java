package io.hostplane.api.websites;

import io.hostplane.api.domains.DomainNames;
import io.hostplane.api.domains.DomainView;
import io.hostplane.api.domains.OwnedDomains;
import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.common.event.DeleteWebsite;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /api/v1/websites} (scopes {@code websites.read} / {@code websites.write}): nginx sites on owned domains.
 * Every change is a job ({@code website.apply}, {@code website.delete}) keyed {@code tenant/site/{domain}}, so a
 * website's changes, deployments and backups are applied in order. The row holds the website as last asked for;
 * {@code status} follows that change's job. A token limited to some domains sees and changes only websites of
 * those domains, and only names under them.
 */
@RestController
@RequestMapping("/api/v1/websites")
class WebsiteController {

    static final String REFUSED = "The website is invalid; nothing was changed.";
    static final String KEY_KIND = "site";
    private static final String WARNING_TYPE = "WEBSITE";

    private final WebsiteStore websites;
    private final OwnedDomains owned;
    private final Upstreams upstreams;
    private final JobService jobs;
    private final Cursors cursors;
    private final JsonMapper json;

    WebsiteController(
            WebsiteStore websites,
            OwnedDomains owned,
            Upstreams upstreams,
            JobService jobs,
            Cursors cursors,
            JsonMapper json) {
        this.websites = websites;
        this.owned = owned;
        this.upstreams = upstreams;
        this.jobs = jobs;
        this.cursors = cursors;
        this.json = json;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(
            @RequestBody JsonNode body, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        WebsiteSpec spec = WebsiteSpec.from(body, REFUSED);
        UUID id = Ids.uuidV7();
        return owned.forJob(spec.domain(), caller)
                .flatMap(WebsiteController::active)
                .flatMap(domain -> checked(domain, spec, caller).flatMap(checked -> {
                    WebsiteStore.Stored row = stored(id, domain.tenant(), spec, checked.address(), null);
                    return jobs.accept(
                            applyJob(row, checked.warnings()),
                            caller,
                            RequestIds.of(exchange),
                            jobId -> websites.insert(withJob(row, jobId))
                                    .flatMap(inserted -> inserted ? Mono.<Void>empty() : nameInUse(id, spec)));
                }))
                .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(required = false) String domain,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        Paging.checkLimit(limit);
        String tenant = tenantOf(caller);
        List<String> domains = new ArrayList<>(caller.allowedDomains() == null ? List.of() : caller.allowedDomains());
        if (domain != null) {
            domain = DomainNames.normalise(domain).orElse(domain);
            if (!domains.isEmpty() && !domains.contains(domain)) {
                return Mono.just(Responses.ok(exchange, "0 websites.", Paging.page(List.of(), limit, v -> "")));
            }
            domains = List.of(domain);
        }
        Cursors.Query pages = cursors.query("websites", caller, domain);
        String after = pages.after(cursor);
        return websites.list(tenant, domains, after == null ? null : UUID.fromString(after), limit + 1)
                .map(WebsiteView::of)
                .collectList()
                .map(rows -> Paging.page(rows, limit, v -> pages.next(v.id())))
                .map(page -> Responses.ok(exchange, page.items().size() + " websites.", page));
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller)
                .map(w -> Responses.ok(
                        exchange,
                        "Website " + w.id() + " (" + w.domain() + ") is " + w.status() + ".",
                        WebsiteView.of(w)));
    }

    /**
     * A JSON merge patch (RFC 7396) of {@code aliases}, {@code kind}, {@code upstream} and {@code https}; the domain
     * stays. The result is checked as a new website would be, and applied by a job.
     */
    @PatchMapping(
            path = "/{id}",
            consumes = {MediaType.APPLICATION_JSON_VALUE, "application/merge-patch+json"})
    Mono<ResponseEntity<ApiEnvelope>> patch(
            @PathVariable String id,
            @RequestBody JsonNode body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        return visible(id, caller)
                .flatMap(current -> {
                    WebsiteSpec spec = merge(current, body);
                    return owned.forJob(current.domain(), caller)
                            .flatMap(WebsiteController::active)
                            .flatMap(domain -> checked(domain, spec, caller))
                            .flatMap(checked -> {
                                WebsiteStore.Stored row = stored(
                                        current.id(), current.tenant(), spec, checked.address(), current.deployment());
                                return jobs.accept(
                                        applyJob(row, checked.warnings()),
                                        caller,
                                        RequestIds.of(exchange),
                                        jobId -> websites.update(withJob(row, jobId))
                                                .flatMap(updated ->
                                                        updated ? Mono.<Void>empty() : nameInUse(current.id(), spec)));
                            });
                })
                .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
    }

    /** Stops serving the website (a job); its files stay until the domain is deleted. */
    @DeleteMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> delete(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller)
                .flatMap(current -> jobs.accept(
                        new JobService.NewJob(
                                        current.tenant(),
                                        JobTypes.WEBSITE_DELETE,
                                        "websites/" + current.id(),
                                        KEY_KIND,
                                        current.domain(),
                                        new DeleteWebsite(current.id().toString(), current.domain()))
                                .onDomain(current.domain()),
                        caller,
                        RequestIds.of(exchange),
                        jobId -> websites.markDeleting(current.id(), jobId)))
                .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
    }

    // Checks

    /** What a change needs beyond its form: the pinned upstream address and the warnings found. */
    private record Checked(String address, List<Warning> warnings) {}

    /**
     * Every alias is the tenant's (one of its active domains or a name under one: else {@code 404}, as for a name
     * that does not exist) and, for a token limited to some domains, under one of those ({@code 403}); the upstream
     * is pinned; names without address records and HTTPS without a certificate are warnings.
     */
    private Mono<Checked> checked(DomainView domain, WebsiteSpec spec, ApiPrincipal caller) {
        for (String alias : spec.aliases()) {
            if (!mayName(caller, alias)) {
                return Mono.error(ApiException.forbidden("Token is not allowed for name " + alias + "."));
            }
        }
        Mono<Void> aliasesOwned = spec.aliases().isEmpty()
                ? Mono.empty()
                : websites.owned(domain.tenant(), spec.aliases()).collectList().flatMap(ownedNames -> {
                    for (String alias : spec.aliases()) {
                        if (!ownedNames.contains(alias)) {
                            return Mono.error(ApiException.notFound("No domain of this account holds " + alias + "."));
                        }
                    }
                    return Mono.empty();
                });
        Mono<String> address = WebsiteSpec.PROXY.equals(spec.kind()) ? upstreams.pin(spec.upstream()) : Mono.empty();
        return aliasesOwned
                .then(address.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty()))
                .flatMap(pinned -> warnings(domain, spec).map(w -> new Checked(pinned.orElse(null), w)));
    }

    private Mono<List<Warning>> warnings(DomainView domain, WebsiteSpec spec) {
        Mono<List<Warning>> addresses = websites.withoutAddress(domain.tenant(), spec.names())
                .map(name -> new Warning(
                        WARNING_TYPE,
                        ErrorCodes.NO_ADDRESS_RECORD,
                        name + " has no A or AAAA record in its zone here; visitors may not reach the website."))
                .collectList();
        Mono<List<Warning>> certificate = spec.https().equals("off")
                ? Mono.just(List.of())
                : websites.hasCertificate(domain.name())
                        .map(has -> has
                                ? List.<Warning>of()
                                : List.of(new Warning(
                                        WARNING_TYPE,
                                        ErrorCodes.NO_CERTIFICATE,
                                        "https is " + spec.https() + " but " + domain.name()
                                                + " has no installed certificate; the website is served over HTTP"
                                                + " until one is installed.")));
        return addresses.zipWith(certificate, (a, c) -> {
            List<Warning> all = new ArrayList<>(a);
            all.addAll(c);
            return all;
        });
    }

    /** Whether a token limited to some domains may name {@code name}: it is one of them or under one. */
    private static boolean mayName(ApiPrincipal caller, String name) {
        List<String> allowed = caller.allowedDomains();
        return allowed == null
                || allowed.isEmpty()
                || allowed.stream().anyMatch(d -> name.equals(d) || name.endsWith("." + d));
    }

    private static Mono<DomainView> active(DomainView domain) {
        return domain.status().equals("active")
                ? Mono.just(domain)
                : Mono.error(ApiException.conflict(
                        "Domain " + domain.name() + " is still being created; add its website once it is active.",
                        ErrorCodes.DOMAIN_PENDING));
    }

    private Mono<Void> nameInUse(UUID id, WebsiteSpec spec) {
        return websites.takenByOthers(id, spec.names())
                .collectList()
                .flatMap(taken -> Mono.error(ApiException.conflict(
                        taken.isEmpty()
                                ? "Domain " + spec.domain() + " has a website already; change that one."
                                : "Another website answers to " + String.join(", ", taken) + ".",
                        ErrorCodes.NAME_IN_USE)));
    }

    /** The website if the caller may see it (its tenant's token, allowed for its domain); a 404 otherwise. */
    private Mono<WebsiteStore.Stored> visible(String id, ApiPrincipal caller) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Mono.error(ApiException.notFound("No website " + id + "."));
        }
        return websites.find(uuid)
                .filter(w -> caller.canAccessTenant(w.tenant()) && caller.mayActOn(w.domain()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No website " + id + ".")));
    }

    private static String tenantOf(ApiPrincipal caller) {
        if (caller.tenant() == null) {
            throw ApiException.badRequest(
                    "Websites are listed per tenant; an operator's token has none.",
                    List.of(new FieldError(null, ErrorCodes.UNSUPPORTED, "Use a token of the tenant.")));
        }
        return caller.tenant();
    }

    // Rows and commands

    private WebsiteSpec merge(WebsiteStore.Stored current, JsonNode patch) {
        if (!patch.isObject()) {
            throw ApiException.badRequest(
                    REFUSED, List.of(new FieldError(null, ErrorCodes.INVALID, "A merge patch is a JSON object.")));
        }
        if (patch.has("domain") && !current.domain().equals(patch.get("domain").asString(""))) {
            throw ApiException.badRequest(
                    REFUSED,
                    List.of(new FieldError(
                            "domain", ErrorCodes.UNSUPPORTED, "A website's domain stays; create another.")));
        }
        ObjectNode merged = json.createObjectNode();
        merged.put("domain", current.domain());
        merged.set("aliases", json.valueToTree(current.aliases()));
        merged.put("kind", current.kind());
        if (current.upstream() != null) {
            merged.put("upstream", current.upstream());
        }
        merged.put("https", current.https());
        Set<String> members = new HashSet<>();
        for (var member : patch.properties()) {
            members.add(member.getKey());
            if (member.getValue().isNull()) {
                merged.remove(member.getKey());
            } else {
                merged.set(member.getKey(), member.getValue());
            }
        }
        // A static website has no upstream: switching to static drops it unless the patch names one.
        if (members.contains("kind")
                && WebsiteSpec.STATIC.equals(merged.path("kind").asString(""))
                && !members.contains("upstream")) {
            merged.remove("upstream");
        }
        return WebsiteSpec.from(merged, REFUSED);
    }

    private static WebsiteStore.Stored stored(
            UUID id, String tenant, WebsiteSpec spec, String address, UUID deployment) {
        return new WebsiteStore.Stored(
                id,
                tenant,
                spec.domain(),
                spec.aliases(),
                spec.kind(),
                spec.upstream(),
                address,
                spec.https(),
                deployment,
                null,
                false,
                "pending",
                null,
                null);
    }

    private static WebsiteStore.Stored withJob(WebsiteStore.Stored w, UUID jobId) {
        return new WebsiteStore.Stored(
                w.id(),
                w.tenant(),
                w.domain(),
                w.aliases(),
                w.kind(),
                w.upstream(),
                w.upstreamAddress(),
                w.https(),
                w.deployment(),
                jobId,
                false,
                "pending",
                null,
                null);
    }

    private static JobService.NewJob applyJob(WebsiteStore.Stored w, List<Warning> warnings) {
        return new JobService.NewJob(
                        w.tenant(),
                        JobTypes.WEBSITE_APPLY,
                        "websites/" + w.id(),
                        KEY_KIND,
                        w.domain(),
                        new ApplyWebsite(
                                w.id().toString(),
                                w.domain(),
                                w.aliases(),
                                w.kind(),
                                w.upstream(),
                                w.upstreamAddress(),
                                w.https(),
                                w.deployment() == null ? null : w.deployment().toString(),
                                warnings))
                .onDomain(w.domain());
    }
}
