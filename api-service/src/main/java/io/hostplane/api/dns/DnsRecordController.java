package io.hostplane.api.dns;

import io.hostplane.api.domains.DomainView;
import io.hostplane.api.domains.OwnedDomains;
import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.IntFunction;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code /api/v1/domains/{domain}/dns/records}: list the applied records, add one (a job). */
@RestController
@RequestMapping("/api/v1/domains/{domain}/dns/records")
class DnsRecordController {

    private final OwnedDomains owned;
    private final DnsRecordStore records;
    private final DnsRecordValidator validator;
    private final JobService jobs;
    private final Cursors cursors;

    DnsRecordController(
            OwnedDomains owned,
            DnsRecordStore records,
            DnsRecordValidator validator,
            JobService jobs,
            Cursors cursors) {
        this.owned = owned;
        this.cursors = cursors;
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
        Paging.checkLimit(limit);
        List<String> typeFilter = types == null
                ? List.of()
                : types.stream().map(t -> t.toUpperCase(Locale.ROOT)).toList();
        for (String type : typeFilter) {
            if (!DnsRecordValidator.TYPES.contains(type)) {
                throw ApiException.badRequest(
                        "type must be one of " + DnsRecordValidator.TYPES + ".",
                        List.of(new FieldError(
                                "type", ErrorCodes.INVALID, "One of " + DnsRecordValidator.TYPES + ".")));
            }
        }
        return owned.find(domain, caller)
                .flatMap(d -> {
                    Cursors.Query pages = cursors.query("dns/records", caller, d.name(), typeFilter, name);
                    UUID after = pages.after(cursor, UUID::fromString);
                    return records.list(d.name(), typeFilter, name, after, limit + 1)
                            .collectList()
                            .map(rows -> Paging.page(rows, limit, r -> pages.next(r.id())));
                })
                .map(page -> Responses.ok(exchange, page.items().size() + " records.", page));
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(
            @PathVariable String domain,
            @RequestBody DnsRecordBody body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        return owned.forJob(domain, caller).flatMap(d -> {
            DnsRecordValidator.Result checked = validator.validate(d.name(), body, "", List.of());
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
                            new CreateDnsRecord(d.name(), record))
                    .onDomain(d.name());
            return cnameExclusive(d, List.of(new ApplyDnsChanges.Change("create", recordId, record)), i -> "type")
                    .then(jobs.accept(job, caller, RequestIds.of(exchange)))
                    .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
        });
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String domain,
            @PathVariable String id,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        UUID recordId = recordId(id);
        return owned.find(domain, caller)
                .flatMap(d -> existing(d, recordId))
                .map(r -> Responses.ok(exchange, "Record " + r.id() + ".", r));
    }

    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> replace(
            @PathVariable String domain,
            @PathVariable String id,
            @RequestBody DnsRecordBody body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        UUID recordId = recordId(id);
        return owned.forJob(domain, caller)
                .flatMap(d -> existing(d, recordId).flatMap(existing -> {
                    DnsRecordValidator.Result checked = validator.validate(d.name(), body, "", List.of());
                    if (!checked.errors().isEmpty()) {
                        return Mono.error(ApiException.badRequest("The record is invalid.", checked.errors()));
                    }
                    DnsRecord r = withId(checked.record(), id);
                    List<ApplyDnsChanges.Change> change = List.of(new ApplyDnsChanges.Change("replace", id, r));
                    return cnameExclusive(d, change, i -> "type")
                            .then(accept(d, JobTypes.DNS_RECORD_REPLACE, "/" + id, change, caller, exchange));
                }));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> delete(
            @PathVariable String domain,
            @PathVariable String id,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        UUID recordId = recordId(id);
        return owned.forJob(domain, caller)
                .flatMap(d -> existing(d, recordId)
                        .flatMap(existing -> accept(
                                d,
                                JobTypes.DNS_RECORD_DELETE,
                                "/" + id,
                                List.of(new ApplyDnsChanges.Change("delete", id, null)),
                                caller,
                                exchange)));
    }

    /**
     * {@code PATCH}: an atomic batch of {@code create}, {@code replace} and {@code delete} changes, one job.
     * Every invalid item is reported by index ({@code changes[1].record.content}) and nothing is accepted.
     */
    @PatchMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> batch(
            @PathVariable String domain,
            @RequestBody DnsChangesBody body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        return owned.forJob(domain, caller).flatMap(d -> {
            List<FieldError> errors = new ArrayList<>();
            List<ApplyDnsChanges.Change> changes = new ArrayList<>();
            List<UUID> mustExist = new ArrayList<>();
            List<Integer> mustExistAt = new ArrayList<>();
            for (int i = 0; i < body.changes().size(); i++) {
                DnsChangesBody.Change item = body.changes().get(i);
                if (item.op() == null) {
                    errors.addAll(item.problems());
                    continue;
                }
                String id = item.id() == null ? null : item.id().toString();
                if (item.id() != null) {
                    mustExist.add(item.id());
                    mustExistAt.add(i);
                }
                DnsRecord record = null;
                if (item.op().equals("delete") || item.record() == null) {
                    errors.addAll(item.problems());
                } else {
                    DnsRecordValidator.Result checked =
                            validator.validate(d.name(), item.record(), "changes[" + i + "].record.", item.problems());
                    errors.addAll(checked.errors());
                    if (checked.record() != null) {
                        record = withId(
                                checked.record(),
                                item.op().equals("create") ? Ids.uuidV7().toString() : id);
                        id = record.id();
                    }
                }
                changes.add(new ApplyDnsChanges.Change(item.op(), id, record));
            }
            return records.existing(d.name(), mustExist).flatMap(found -> {
                for (int k = 0; k < mustExist.size(); k++) {
                    if (!found.contains(mustExist.get(k))) {
                        errors.add(new FieldError(
                                "changes[" + mustExistAt.get(k) + "].id",
                                ErrorCodes.NOT_FOUND,
                                "No record " + mustExist.get(k) + " in " + d.name() + "."));
                    }
                }
                if (!errors.isEmpty()) {
                    return Mono.error(ApiException.badRequest("The batch is invalid; nothing was changed.", errors));
                }
                return cnameExclusive(d, changes, i -> "changes[" + i + "].record.type")
                        .then(accept(d, JobTypes.DNS_BATCH, "", changes, caller, exchange));
            });
        });
    }

    /** 400 if the changes would leave a CNAME beside other records ({@link CnameExclusivity}). */
    private Mono<Void> cnameExclusive(DomainView d, List<ApplyDnsChanges.Change> changes, IntFunction<String> field) {
        return records.atNames(d.name(), CnameExclusivity.cnameNames(changes), CnameExclusivity.otherNames(changes))
                .collectList()
                .flatMap(current -> {
                    List<FieldError> errors = CnameExclusivity.check(current, changes, field);
                    return errors.isEmpty()
                            ? Mono.<Void>empty()
                            : Mono.error(ApiException.badRequest(
                                    "A CNAME must be alone at its name; nothing was changed.", errors));
                });
    }

    /** The applied record {@code id} of the domain, or 404. */
    private Mono<DnsRecord> existing(DomainView domain, UUID id) {
        return records.find(domain.name(), id)
                .switchIfEmpty(Mono.error(ApiException.notFound("No record " + id + ".")));
    }

    private Mono<ResponseEntity<ApiEnvelope>> accept(
            DomainView d,
            String type,
            String resourceSuffix,
            List<ApplyDnsChanges.Change> changes,
            ApiPrincipal caller,
            ServerWebExchange exchange) {
        JobService.NewJob job = new JobService.NewJob(
                        d.tenant(),
                        type,
                        "domains/" + d.name() + "/dns/records" + resourceSuffix,
                        "zone",
                        d.name(),
                        new ApplyDnsChanges(d.name(), changes))
                .onDomain(d.name());
        return jobs.accept(job, caller, RequestIds.of(exchange))
                .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
    }

    private static DnsRecord withId(DnsRecord r, String id) {
        return new DnsRecord(id, r.name(), r.type(), r.ttl(), r.content(), r.priority());
    }

    private static UUID parseOrNull(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static UUID recordId(String id) {
        UUID parsed = parseOrNull(id);
        if (parsed == null) {
            throw ApiException.notFound("No record " + id + ".");
        }
        return parsed;
    }
}
