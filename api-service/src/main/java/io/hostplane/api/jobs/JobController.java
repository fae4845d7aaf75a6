package io.hostplane.api.jobs;

import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.job.JobStatus;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Job polling, made cheap for integrators: {@code ETag}/{@code If-None-Match} (a 304 costs no rate limit),
 * {@code Retry-After} while a job runs, {@code ?wait=30s} long polling (no thread held) until the job changes or,
 * with {@code &until=terminal}, until it has ended, many jobs in one call ({@code ?id=a&id=b}), and filters.
 */
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    /** Seconds a poller should wait before asking again about a job that is not finished. */
    static final String RETRY_AFTER_SECONDS = "2";

    static final Duration MAX_WAIT = Duration.ofSeconds(55);

    private final JobService jobs;
    private final JobStore store;
    private final JobChanges changes;
    private final JsonMapper json;

    private final Cursors cursors;

    JobController(JobService jobs, JobStore store, JobChanges changes, JsonMapper json, Cursors cursors) {
        this.cursors = cursors;
        this.jobs = jobs;
        this.store = store;
        this.changes = changes;
        this.json = json;
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String id,
            @RequestParam(required = false) String wait,
            @RequestParam(required = false) String until,
            @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        UUID jobId = JobService.idOf(id);
        List<FieldError> errors = new ArrayList<>();
        Duration waitFor = waitDuration(wait, errors);
        JobChanges.Until untilWhat = until(until, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(
                    errors.size() > 1
                            ? "Invalid query: wait and until."
                            : errors.get(0).field().equals("wait")
                                    ? "wait must be a duration such as 30s."
                                    : "until must be change or terminal.",
                    errors);
        }
        Mono<JobView> job = waitFor.isZero()
                ? visible(jobId, caller)
                // Registered for the job's changes before it is read: see JobChanges.await.
                : changes.await(
                        jobId,
                        visible(jobId, caller),
                        untilWhat,
                        // A caller whose If-None-Match no longer matches has news already: no reason to hold it
                        // for a change (a caller waiting for the end still waits for the end).
                        first -> untilWhat == JobChanges.Until.CHANGE
                                && ifNoneMatch != null
                                && !matches(ifNoneMatch, etag(first)),
                        waitFor,
                        jobs.find(jobId));
        return job.map(view -> answer(view, ifNoneMatch, exchange));
    }

    private ResponseEntity<ApiEnvelope> answer(JobView job, String ifNoneMatch, ServerWebExchange exchange) {
        String etag = etag(job);
        ResponseEntity.BodyBuilder builder =
                ResponseEntity.status(HttpStatus.OK).eTag(etag);
        if (!job.status().isTerminal()) {
            builder.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                    .eTag(etag)
                    .headers(h -> {
                        if (!job.status().isTerminal()) {
                            h.set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
                        }
                    })
                    .build();
        }
        return builder.body(
                ApiEnvelope.ok("Job " + job.status().wireName() + ".", job, List.of(), RequestIds.of(exchange)));
    }

    /**
     * Cancels a queued job (200 with the job); a running or finished job is a 409 that names its state. A replay
     * ({@code audit.replay}) is stopped by the audit service, queued or running: {@code 202} with the job as it
     * is now; it ends {@code cancelled}.
     */
    @PostMapping("/{id}/cancel")
    Mono<ResponseEntity<ApiEnvelope>> cancel(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(JobService.idOf(id), caller)
                .flatMap(jobs::cancel)
                .map(job -> job.status() == JobStatus.CANCELLED
                        ? ResponseEntity.ok(ApiEnvelope.ok("Job cancelled.", job, List.of(), RequestIds.of(exchange)))
                        : ResponseEntity.accepted()
                                .header("Location", "/api/v1/jobs/" + job.id())
                                .body(ApiEnvelope.ok(
                                        "Cancellation requested; poll the job until it is cancelled.",
                                        job,
                                        List.of(),
                                        RequestIds.of(exchange))));
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(name = "id", required = false) List<String> ids,
            @RequestParam(name = "status", required = false) List<String> statuses,
            @RequestParam(name = "type", required = false) List<String> types,
            @RequestParam(required = false) String resource,
            @RequestParam(name = "created_after", required = false) String createdAfter,
            @RequestParam(name = "created_before", required = false) String createdBefore,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        List<FieldError> errors = new ArrayList<>();
        if (limit < 1 || limit > Paging.MAX_LIMIT) {
            errors.add(new FieldError("limit", ErrorCodes.INVALID, "Between 1 and " + Paging.MAX_LIMIT + "."));
        }
        List<UUID> jobIds = new ArrayList<>();
        if (ids != null) {
            if (ids.size() > 200) {
                errors.add(new FieldError("id", ErrorCodes.TOO_LARGE, "At most 200 ids per call."));
            }
            for (String id : ids) {
                try {
                    jobIds.add(UUID.fromString(id));
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError("id", ErrorCodes.INVALID, "Not a job id: " + id));
                }
            }
        }
        List<String> statusNames = statuses == null
                ? List.of()
                : statuses.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
        for (String status : statusNames) {
            try {
                JobStatus.fromWireName(status);
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("status", ErrorCodes.INVALID, "Unknown status " + status + "."));
            }
        }
        Instant after = instant(createdAfter, "created_after", errors);
        Instant before = instant(createdBefore, "created_before", errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("Invalid query.", errors);
        }
        List<String> typeNames = types == null ? List.of() : types;
        // Checked once the filters are: the cursor is bound to them (as parsed, so that equal filters match).
        Cursors.Query pages = cursors.query("jobs", caller, jobIds, statusNames, typeNames, resource, after, before);
        JobStore.Filter filter = new JobStore.Filter(
                caller.isOperator() ? null : caller.tenant(),
                jobIds,
                statusNames,
                typeNames,
                resource,
                after,
                before,
                pages.after(cursor, UUID::fromString));
        return store.list(filter, limit + 1)
                .collectList()
                .map(rows -> Paging.page(rows, limit, j -> pages.next(j.id())))
                .map(page -> ResponseEntity.ok(
                        ApiEnvelope.ok(page.items().size() + " jobs.", page, List.of(), RequestIds.of(exchange))));
    }

    private Mono<JobView> visible(UUID jobId, ApiPrincipal caller) {
        return jobs.visibleTo(jobId, caller);
    }

    /** A strong validator of everything the job shows: any change to the job changes it. */
    private String etag(JobView job) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(job));
            return "\""
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(digest)
                            .substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag) || c.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code 30s}, {@code 30} (seconds), {@code 500ms} or {@code 1m}; capped at 55 s; none is zero. A negative or
     * unreadable value adds a field error naming {@code wait}.
     */
    static Duration waitDuration(String wait, List<FieldError> errors) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        String w = wait.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (w.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(w.substring(0, w.length() - 2)));
            } else if (w.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(w.substring(0, w.length() - 1)));
            } else if (w.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(w.substring(0, w.length() - 1)));
            } else {
                d = Duration.ofSeconds(Long.parseLong(w));
            }
            if (d.isNegative()) {
                throw new NumberFormatException();
            }
            return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
        } catch (NumberFormatException | ArithmeticException e) {
            errors.add(new FieldError("wait", ErrorCodes.INVALID, "A duration such as 30s (capped at 55s)."));
            return Duration.ZERO;
        }
    }

    /**
     * {@code change} (the default, when absent: answer when the job's status changes) or {@code terminal} (answer
     * when the job has ended), exactly as the document lists them. Anything else, empty included, adds a field error
     * naming {@code until}.
     */
    static JobChanges.Until until(String until, List<FieldError> errors) {
        if (until == null) {
            return JobChanges.Until.CHANGE;
        }
        return switch (until) {
            case "change" -> JobChanges.Until.CHANGE;
            case "terminal" -> JobChanges.Until.TERMINAL;
            default -> {
                errors.add(new FieldError("until", ErrorCodes.INVALID, "change (the default) or terminal."));
                yield JobChanges.Until.CHANGE;
            }
        };
    }

    private static Instant instant(String text, String field, List<FieldError> errors) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, ErrorCodes.INVALID, "An ISO-8601 instant, e.g. 2026-11-24T00:00:00Z."));
            return null;
        }
    }
}
