package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code hostplane audit query|export|verify|replay}: the audit log, as {@code /audit/*} serves it. */
@Command(name = "audit", description = "Query, export, verify and replay the audit log.")
class AuditCommand {

    @ParentCommand
    HostplaneCli root;

    /** The filters {@code /audit/events} and {@code /audit/export} share. */
    static class Filters {
        @Option(names = "--from", paramLabel = "TIME", description = "ISO-8601 instant, inclusive")
        String from;

        @Option(names = "--to", paramLabel = "TIME", description = "ISO-8601 instant, exclusive")
        String to;

        @Option(names = "--type", description = "event type; repeat")
        List<String> types;

        @Option(names = "--actor", description = "the acting token id or principal")
        String actor;

        @Option(names = "--resource", description = "e.g. domains/example.com")
        String resource;

        @Option(names = "--job-id")
        String jobId;

        @Option(names = "--request-id")
        String requestId;

        @Option(names = "--outcome", description = "e.g. succeeded, failed, 403")
        String outcome;

        @Option(names = "--tenant", description = "one tenant (operator token)")
        String tenant;

        @Option(names = "--order", description = "desc (newest first, default) or asc")
        String order;

        Map<String, Object> params() {
            return Api.params(
                    "from",
                    from,
                    "to",
                    to,
                    "type",
                    types,
                    "actor",
                    actor,
                    "resource",
                    resource,
                    "job_id",
                    jobId,
                    "request_id",
                    requestId,
                    "outcome",
                    outcome,
                    "tenant",
                    tenant,
                    "order",
                    order);
        }
    }

    @Command(name = "query", description = "List audit events.")
    int query(
            @ArgGroup(exclusive = false) Filters filters,
            @Option(names = "--limit", defaultValue = "50") int limit,
            @Option(names = "--cursor") String cursor) {
        Map<String, Object> params = filters == null ? new LinkedHashMap<>() : filters.params();
        params.put("limit", limit);
        if (cursor != null) {
            params.put("cursor", cursor);
        }
        var data = root.api().get("/audit/events", params).path("data");
        root.output()
                .table(
                        data,
                        col("TIME", "time"),
                        col("TYPE", "type"),
                        col("TENANT", "tenant"),
                        col("RESOURCE", "resource"),
                        col("ACTOR", "actor"),
                        col("OUTCOME", "outcome"),
                        col("JOB", "job_id"),
                        col("REQUEST", "request_id"));
        return ExitCodes.OK;
    }

    @Command(name = "export", description = "Stream events as NDJSON (one CloudEvent per line).")
    int export(
            @ArgGroup(exclusive = false) Filters filters,
            @Option(names = "--output", paramLabel = "FILE", description = "write here instead of stdout") Path file) {
        Map<String, Object> params = filters == null ? Map.of() : filters.params();
        try (InputStream in = root.api().stream("/audit/export", params)) {
            if (file == null) {
                new InputStreamReader(in, StandardCharsets.UTF_8).transferTo(root.out);
                root.out.flush();
            } else {
                try (OutputStream out = Files.newOutputStream(file)) {
                    in.transferTo(out);
                }
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "export interrupted: " + e.getMessage(), e);
        }
        return ExitCodes.OK;
    }

    @Command(name = "verify", description = "Recompute the hash chains holding a tenant's events; exit 5 if broken.")
    int verify(
            @Option(names = "--tenant", description = "the tenant (a tenant token: its own)") String tenant,
            @Option(names = "--from", paramLabel = "TIME") String from,
            @Option(names = "--to", paramLabel = "TIME") String to) {
        JsonNode data = root.api()
                .get("/audit/verify", Api.params("tenant", tenant, "from", from, "to", to))
                .path("data");
        root.output()
                .object(
                        data,
                        col("valid", "valid"),
                        col("chains", "chains"),
                        col("tenant events", "tenant_events"),
                        col("links checked", "links_checked"),
                        col("signatures checked", "signatures_checked"),
                        col("first broken", "first_broken"));
        return data.path("valid").asBoolean(false) ? ExitCodes.OK : ExitCodes.NEGATIVE;
    }

    /** Where a replay goes: exactly one of a topic, a file on the audit service, or a rebuilt store. */
    static class Target {
        @Option(names = "--to-topic", paramLabel = "TOPIC", required = true)
        String topic;

        @Option(names = "--to-file", paramLabel = "PATH", required = true)
        String path;

        @Option(names = "--to-store", description = "rebuild the audit store for the range", required = true)
        boolean store;
    }

    @Command(name = "replay", description = "Replay a range of the audit topics (a job; audit.replay scope).")
    int replay(
            @Option(names = "--from", paramLabel = "TIME", required = true) String from,
            @Option(names = "--to", paramLabel = "TIME", required = true) String to,
            @Option(names = "--tenant") String tenant,
            @Option(names = "--type", description = "event type; repeat") List<String> types,
            @ArgGroup(exclusive = true, multiplicity = "1") Target target,
            @Option(names = "--no-wait") boolean noWait,
            @Option(names = "--timeout", defaultValue = "PT30M") Duration timeout) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", from);
        body.put("to", to);
        if (tenant != null) {
            body.put("tenant", tenant);
        }
        if (types != null) {
            body.put("types", types);
        }
        body.put(
                "target",
                target.topic != null
                        ? Map.of("kind", "topic", "topic", target.topic)
                        : target.path != null ? Map.of("kind", "file", "path", target.path) : Map.of("kind", "store"));
        Api api = root.api();
        JsonNode job = api.post("/audit/replays", body).path("data");
        if (noWait) {
            root.output().object(job, JobWatch.JOB_FIELDS);
            return ExitCodes.OK;
        }
        return JobWatch.watch(api, job.path("id").asString(), timeout, root.output(), root.err);
    }
}
