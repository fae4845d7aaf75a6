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
@Command(
        name = "audit",
        description = "Query, export, verify, replay and stream the audit log.",
        subcommands = AuditStreamsCommand.class)
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

    @Command(
            name = "export",
            description = "Stream events as NDJSON (one CloudEvent per line); with --proof, the proof export that"
                    + " `audit verify --file` checks offline.")
    int export(
            @ArgGroup(exclusive = false) Filters filters,
            @Option(names = "--output", paramLabel = "FILE", description = "write here instead of stdout") Path file,
            @Option(
                            names = "--proof",
                            description = "with the chain segments and signed checkpoints that prove the events"
                                    + " (format audit.v2, docs/audit.md)")
                    boolean proof) {
        Map<String, Object> params = filters == null ? new LinkedHashMap<>() : filters.params();
        if (proof) {
            params.put("proof", "true");
        }
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

    @Command(
            name = "verify",
            description = "Recompute the hash chains holding a tenant's events (on the server), or check a proof"
                    + " export offline (--file, --key: no API, no token); exit 5 if broken, 2 if the file is not an"
                    + " export.")
    int verify(
            @Option(names = "--tenant", description = "the tenant (a tenant token: its own)") String tenant,
            @Option(names = "--from", paramLabel = "TIME") String from,
            @Option(names = "--to", paramLabel = "TIME") String to,
            @Option(
                            names = "--file",
                            paramLabel = "FILE",
                            description = "a proof export (audit export --proof) to check offline")
                    Path file,
            @Option(
                            names = "--key",
                            paramLabel = "FILE",
                            description = "a checkpoint verify key (PEM or base64 X.509, as GET /audit/keys gives it);"
                                    + " repeat")
                    List<Path> keys) {
        if (file != null) {
            if (tenant != null || from != null || to != null) {
                throw new CliException(
                        ExitCodes.USAGE, "--file checks the export as it is: --tenant, --from and --to do not apply");
            }
            return OfflineVerify.run(file, keys, root.output());
        }
        if (keys != null) {
            throw new CliException(ExitCodes.USAGE, "--key goes with --file (the server verifies with its own keys)");
        }
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

    @Command(
            name = "replay",
            description = "Replay a range of the audit topics into a topic, a file on the audit service, or the audit"
                    + " store (a job; audit.replay scope). A time range (--from/--to) or --offsets; --to-store takes"
                    + " neither.")
    int replay(
            @Option(names = "--from", paramLabel = "TIME", description = "first record time (RFC 3339), inclusive")
                    String from,
            @Option(names = "--to", paramLabel = "TIME", description = "end of the range (RFC 3339), exclusive")
                    String to,
            @Option(
                            names = "--offsets",
                            paramLabel = "TOPIC:PARTITION:FROM[-TO]",
                            description = "an offset range of one partition; repeat")
                    List<String> offsets,
            @Option(names = "--topic", paramLabel = "TOPIC", description = "an audited topic to read; repeat")
                    List<String> topics,
            @Option(names = "--tenant") String tenant,
            @Option(names = "--type", description = "event type; repeat") List<String> types,
            @Option(names = "--rate", paramLabel = "N", description = "at most N records read per second") Integer rate,
            @ArgGroup(exclusive = true, multiplicity = "1") Target target,
            @Option(names = "--no-wait") boolean noWait,
            @Option(names = "--timeout", defaultValue = "PT30M") Duration timeout) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (from != null) {
            body.put("from", from);
        }
        if (to != null) {
            body.put("to", to);
        }
        if (offsets != null) {
            body.put("offsets", offsets.stream().map(AuditCommand::offsetRange).toList());
        }
        if (topics != null) {
            body.put("topics", topics);
        }
        if (rate != null) {
            body.put("rate", rate);
        }
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

    /** {@code hostplane.audit:3:100-200} → {@code {"topic":…,"partition":3,"from":100,"to":200}}. */
    static Map<String, Object> offsetRange(String text) {
        String[] parts = text.split(":");
        if (parts.length != 3) {
            throw new CliException(ExitCodes.USAGE, "--offsets takes TOPIC:PARTITION:FROM[-TO], not " + text);
        }
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("topic", parts[0]);
        try {
            range.put("partition", Integer.parseInt(parts[1]));
            String[] span = parts[2].split("-", 2);
            range.put("from", Long.parseLong(span[0]));
            if (span.length == 2) {
                range.put("to", Long.parseLong(span[1]));
            }
        } catch (NumberFormatException e) {
            throw new CliException(ExitCodes.USAGE, "--offsets takes numbers: " + text);
        }
        return range;
    }
}
