package io.hostplane.api.dns;

import io.hostplane.api.domains.DomainView;
import io.hostplane.api.domains.OwnedDomains;
import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.ApplyDnsChanges;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/domains/{domain}/dns/zonefile}: the zone's applied records as an RFC 1035 master file
 * ({@code GET}), and a master file as the zone's new records ({@code PUT}, one atomic {@code dns.batch} job).
 */
@RestController
@RequestMapping("/api/v1/domains/{domain}/dns/zonefile")
class DnsZoneFileController {

    /** RFC 4027's media type for master files. */
    static final MediaType TEXT_DNS = MediaType.parseMediaType("text/dns");

    /** Records read for an export or an import's comparison; zones are far smaller in practice. */
    private static final int MAX_ZONE_RECORDS = 100_000;

    private final OwnedDomains owned;
    private final DnsRecordStore records;
    private final DnsRecordValidator validator;
    private final JobService jobs;

    DnsZoneFileController(OwnedDomains owned, DnsRecordStore records, DnsRecordValidator validator, JobService jobs) {
        this.owned = owned;
        this.records = records;
        this.validator = validator;
        this.jobs = jobs;
    }

    @GetMapping
    Mono<ResponseEntity<String>> export(@PathVariable String domain, @AuthenticationPrincipal ApiPrincipal caller) {
        return owned.find(domain, caller)
                .flatMap(d -> all(d).map(rows -> ResponseEntity.ok()
                        .contentType(new MediaType(TEXT_DNS, StandardCharsets.UTF_8))
                        .header("Content-Disposition", "attachment; filename=\"" + d.name() + ".zone\"")
                        .body(ZoneFiles.export(d.name(), rows, Instant.now()))));
    }

    /**
     * Makes the file the zone's records: records in both stay (a changed TTL is a delete and a create), records
     * only in the file are created, records only in the zone are deleted — all in one job, all or nothing.
     * Every bad line is reported ({@code lines[N]}, N counted from 1) and then nothing is accepted. The body is
     * {@code text/dns} or {@code text/plain}; any other type (or none) is a 415 before this runs.
     */
    @PutMapping(consumes = {"text/dns", MediaType.TEXT_PLAIN_VALUE})
    Mono<ResponseEntity<ApiEnvelope>> importFile(
            @PathVariable String domain,
            @RequestBody(required = false) String body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        return owned.forJob(domain, caller).flatMap(d -> {
            if (body == null || body.isBlank()) {
                return Mono.error(ApiException.badRequest(
                        "A zone file is required.",
                        List.of(new FieldError(null, ErrorCodes.REQUIRED, "Send the zone file as the body."))));
            }
            ZoneFiles.Parsed parsed = ZoneFiles.parse(d.name(), body, validator.defaultTtl());
            List<FieldError> errors = new ArrayList<>(parsed.errors());
            List<DnsRecord> wanted = new ArrayList<>();
            Map<String, Set<String>> typesByName = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (ZoneFiles.Line line : parsed.records()) {
                String at = "lines[" + line.number() + "].";
                DnsRecordValidator.Result checked = validator.validate(d.name(), line.body(), at);
                if (!checked.errors().isEmpty()) {
                    errors.addAll(checked.errors());
                    continue;
                }
                DnsRecord r = checked.record();
                if (!seen.add(key(r))) {
                    continue; // the same record twice in one file is one record
                }
                Set<String> types = typesByName.computeIfAbsent(r.name(), n -> new HashSet<>());
                types.add(r.type());
                if (types.contains("CNAME") && types.size() > 1) {
                    errors.add(new FieldError(
                            at + "type",
                            ErrorCodes.CNAME_NOT_EXCLUSIVE,
                            "A CNAME cannot share its name (" + r.name() + ") with other records."));
                    continue;
                }
                wanted.add(r);
            }
            if (!errors.isEmpty()) {
                return Mono.error(ApiException.badRequest("The zone file is invalid; nothing was changed.", errors));
            }
            return all(d).flatMap(current -> {
                List<ApplyDnsChanges.Change> changes = changes(current, wanted);
                if (changes.size() > DnsChangesBody.MAX_BATCH) {
                    return Mono.error(ApiException.badRequest(
                            "The zone file would make " + changes.size() + " changes; at most "
                                    + DnsChangesBody.MAX_BATCH + " are applied as one job.",
                            List.of(new FieldError(
                                    null,
                                    ErrorCodes.TOO_LARGE,
                                    "At most " + DnsChangesBody.MAX_BATCH + " changes per import."))));
                }
                JobService.NewJob job = new JobService.NewJob(
                                d.tenant(),
                                JobTypes.DNS_BATCH,
                                "domains/" + d.name() + "/dns/zonefile",
                                "zone",
                                d.name(),
                                new ApplyDnsChanges(d.name(), changes))
                        .onDomain(d.name());
                return jobs.accept(job, caller, RequestIds.of(exchange))
                        .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
            });
        });
    }

    /** Deletes first (a CNAME may replace other records at its name), then creates. */
    static List<ApplyDnsChanges.Change> changes(List<DnsRecord> current, List<DnsRecord> wanted) {
        Map<String, Deque<DnsRecord>> unmatched = new LinkedHashMap<>();
        for (DnsRecord r : current) {
            unmatched.computeIfAbsent(key(r), k -> new ArrayDeque<>()).add(r);
        }
        List<ApplyDnsChanges.Change> deletes = new ArrayList<>();
        List<ApplyDnsChanges.Change> creates = new ArrayList<>();
        for (DnsRecord r : wanted) {
            Deque<DnsRecord> same = unmatched.get(key(r));
            DnsRecord existing = same == null ? null : same.poll();
            if (existing != null && Objects.equals(existing.ttl(), r.ttl())) {
                continue;
            }
            if (existing != null) {
                deletes.add(new ApplyDnsChanges.Change("delete", existing.id(), null));
            }
            String id = Ids.uuidV7().toString();
            creates.add(new ApplyDnsChanges.Change(
                    "create", id, new DnsRecord(id, r.name(), r.type(), r.ttl(), r.content(), r.priority())));
        }
        unmatched
                .values()
                .forEach(left -> left.forEach(r -> deletes.add(new ApplyDnsChanges.Change("delete", r.id(), null))));
        List<ApplyDnsChanges.Change> all = new ArrayList<>(deletes);
        all.addAll(creates);
        return all;
    }

    private static String key(DnsRecord r) {
        return r.name() + '\u0000' + r.type() + '\u0000' + r.content() + '\u0000' + r.priority();
    }

    private Mono<List<DnsRecord>> all(DomainView d) {
        return records.list(d.name(), List.of(), null, null, MAX_ZONE_RECORDS).collectList();
    }
}
