package io.hostplane.api.dns;

import io.hostplane.api.domains.DomainNames;
import io.hostplane.api.domains.DomainStore;
import io.hostplane.api.domains.DomainView;
import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.tokens.ApiPrincipal;
import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.envelope.Page;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobTypes;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/domains/{domain}/dns/records}: list the applied records, add one (a job). */
@RestController
@RequestMapping("/api/v1/domains/{domain}/dns/records")
class DnsRecordController {

    private final DomainStore domains;
    private final DnsRecordStore records;
    private final DnsRecordValidator validator;
    private final JobService jobs;

    DnsRecordController(DomainStore domains, DnsRecordStore records, DnsRecordValidator validator, JobService jobs) {
        this.domains = domains;
        this.records = records;
        this.validator = validator;
        this.jobs = jobs;
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @PathVariable String domain,
            @RequestParam(name = "type", required = false) List<String> types,
            @RequestParam(required = false) String name,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        if (limit < 1 || limit > 200) {
            throw ApiException.badRequest(
                    "limit must be between 1 and 200.",
                    List.of(new FieldError("limit", ErrorCodes.INVALID, "Between 1 and 200.")));
        }
        UUID after = cursor == null ? null : cursor(cursor);
        List<String> typeFilter = types == null
                ? List.of()
                : types.stream().map(t -> t.toUpperCase(Locale.ROOT)).toList();
        return owned(domain, caller)
                .flatMap(d -> records.list(d.name(), typeFilter, name, after, limit + 1)
                        .collectList())
                .map(rows -> {
                    boolean more = rows.size() > limit;
                    List<DnsRecord> items = more ? rows.subList(0, limit) : rows;
                    return Responses.ok(
                            exchange,
                            items.size() + " records.",
                            new Page<>(items, more ? items.get(items.size() - 1).id() : null));
                });
    }

    @PostMapping
    Mono<ResponseEntity<ApiEnvelope>> create(
            @PathVariable String domain,
            @RequestBody JsonNode body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        return owned(domain, caller).flatMap(d -> {
            DnsRecordValidator.Result checked = validator.validate(d.name(), body, "");
            if (!checked.errors().isEmpty()) {
                return Mono.error(ApiException.badRequest("The record is invalid.", checked.errors()));
            }
            String recordId = Ids.uuidV7().toString();
            DnsRecord r = checked.record();
            DnsRecord record = new DnsRecord(recordId, r.name(), r.type(), r.ttl(), r.content(), r.priority());
            JobService.NewJob job = new JobService.NewJob(
                    d.tenant(),
                    JobTypes.DNS_RECORD_CREATE,
                    "domains/" + d.name() + "/dns/records/" + recordId,
                    "zone",
                    d.name(),
                    new CreateDnsRecord(d.name(), record));
            return jobs.accept(job, caller, RequestIds.of(exchange), id -> Mono.empty())
                    .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
        });
    }

    /** The domain if the caller may see it; otherwise 404, the same answer as for a name that does not exist. */
    private Mono<DomainView> owned(String domain, ApiPrincipal caller) {
        String name = DomainNames.normalise(domain).orElse("");
        if (!caller.mayActOn(name)) {
            return Mono.error(ApiException.forbidden("Token is not allowed for domain " + domain + "."));
        }
        return domains.find(name)
                .filter(d -> caller.canAccessTenant(d.tenant()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No domain " + domain + ".")));
    }

    private static UUID cursor(String cursor) {
        try {
            return UUID.fromString(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(
                    "Invalid cursor.",
                    List.of(new FieldError("cursor", ErrorCodes.INVALID, "Not a cursor from this API.")));
        }
    }
}
