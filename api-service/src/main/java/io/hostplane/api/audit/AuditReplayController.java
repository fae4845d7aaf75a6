package io.hostplane.api.audit;

import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import io.hostplane.common.event.ReplayAudit;
import io.hostplane.common.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/v1/audit/replays} (scope {@code audit.replay}): replays a range of the audited topics into a
 * topic, an NDJSON file on the audit service, or the audit store itself, as a job ({@code audit.replay}) that the
 * audit service executes from {@code hostplane.audit-replays} (docs/audit.md, "Replay").
 *
 * <p>A tenant token replays its own tenant's events only, into targets named after its tenant ({@code
 * hostplane.replay.<tenant>.…}, {@code <tenant>-….ndjson}), so that one tenant can neither read nor feed another's
 * replay. The operator replays any tenant or all of them, and is the only one who may rebuild the store.
 */
@RestController
class AuditReplayController {

    static final String PLATFORM_TENANT = "platform";
    static final int MAX_OFFSET_RANGES = 1000;
    static final int MAX_RATE = 1_000_000;
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,120}\\.ndjson");

    private final JobService jobs;

    AuditReplayController(JobService jobs) {
        this.jobs = jobs;
    }

    @PostMapping(path = "/api/v1/audit/replays", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> replay(
            @RequestBody(required = false) AuditReplayBody body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        ReplayAudit command = parse(body, caller);
        String jobTenant = caller.isOperator() ? PLATFORM_TENANT : caller.tenant();
        return jobs.accept(
                        JobService.NewJob.replay(jobTenant, "audit/replays", command), caller, RequestIds.of(exchange))
                .map(job -> Responses.accepted(exchange, job.id(), job));
    }

    /** The command the body asks for; every problem at once as a 400 (403 for what only the operator may do). */
    static ReplayAudit parse(AuditReplayBody body, ApiPrincipal caller) {
        if (body == null) {
            throw ApiException.badRequest(
                    "The body must be a JSON object.",
                    List.of(new FieldError(null, ErrorCodes.INVALID, "Expected {\"target\": {\"kind\": …}, …}.")));
        }
        List<FieldError> errors = new ArrayList<>();
        Instant from = body.from();
        Instant to = body.to();
        if (from != null && to != null && !from.isBefore(to)) {
            errors.add(new FieldError("to", ErrorCodes.INVALID, "from must be before to."));
        }
        if (to != null && from == null && to.isAfter(Instant.now().plusSeconds(60))) {
            errors.add(new FieldError("to", ErrorCodes.INVALID, "A replay reads what is stored, not the future."));
        }
        if (!body.offsets().isEmpty() && (from != null || to != null)) {
            errors.add(new FieldError("offsets", ErrorCodes.INVALID, "Either a time range or offsets, not both."));
        }
        String tenant = body.tenant();
        if (!caller.isOperator()) {
            if (tenant != null && !tenant.equals(caller.tenant())) {
                throw ApiException.notFound("No such tenant.");
            }
            tenant = caller.tenant();
        }
        ReplayAudit.Target target = target(body.target(), caller, tenant, errors);
        if (target != null && target.kind().equals(ReplayAudit.Target.STORE)) {
            if (!caller.isOperator()) {
                throw ApiException.forbidden("Only the platform operator may rebuild the audit store.");
            }
            if (from != null
                    || to != null
                    || !body.offsets().isEmpty()
                    || !body.topics().isEmpty()
                    || tenant != null
                    || !body.types().isEmpty()) {
                errors.add(new FieldError(
                        "target",
                        ErrorCodes.INVALID,
                        "A rebuild restores whole chains: no range, topics, tenant or types with target store."));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest("The replay request is invalid; nothing was done.", errors);
        }
        return new ReplayAudit(from, to, body.offsets(), body.topics(), tenant, body.types(), target, body.rate());
    }

    /** The target of {@code given}, its name held to the caller's prefix; null (reported) if it is not. */
    private static ReplayAudit.Target target(
            AuditReplayBody.Target given, ApiPrincipal caller, String tenant, List<FieldError> errors) {
        if (given == null) {
            return null;
        }
        String kind = given.kind();
        switch (kind) {
            case ReplayAudit.Target.TOPIC -> {
                String topic = given.topic();
                String prefix =
                        caller.isOperator() ? Topics.REPLAY_TOPIC_PREFIX : Topics.REPLAY_TOPIC_PREFIX + tenant + ".";
                if (topic == null
                        || !TOPIC.matcher(topic).matches()
                        || !topic.startsWith(prefix)
                        || topic.length() == prefix.length()) {
                    errors.add(new FieldError(
                            "target.topic",
                            ErrorCodes.INVALID,
                            "A topic named " + prefix + "<name> (letters, digits, '.', '_', '-'); replays never "
                                    + "write the platform's own topics."));
                    return null;
                }
                return new ReplayAudit.Target(kind, topic, null);
            }
            case ReplayAudit.Target.FILE -> {
                String path = given.path();
                String prefix = caller.isOperator() ? "" : tenant + "-";
                if (path == null || !FILE.matcher(path).matches() || !path.startsWith(prefix)) {
                    errors.add(new FieldError(
                            "target.path",
                            ErrorCodes.INVALID,
                            "A file name " + prefix + "<name>.ndjson (letters, digits, '.', '_', '-'; no directories): "
                                    + "it is written in the audit service's replay directory."));
                    return null;
                }
                return new ReplayAudit.Target(kind, null, path);
            }
            default -> {
                return new ReplayAudit.Target(kind, null, null);
            }
        }
    }
}
