package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code hostplane dns list|set|delete}. {@code set} creates the record, or replaces it when exactly one
 * record of that name and type exists; changes are jobs, which the command follows to their end unless
 * {@code --no-wait} is given.
 */
@Command(name = "dns", description = "List, set and delete DNS records of a domain.")
class DnsCommand {

    @ParentCommand
    HostplaneCli root;

    @Command(name = "list", description = "List a domain's records.")
    int list(
            @Parameters(paramLabel = "DOMAIN") String domain,
            @Option(names = "--name", description = "only this name (relative, @ for the apex)") String name,
            @Option(names = "--type", description = "only this type") String type,
            @Option(names = "--limit", defaultValue = "100") int limit,
            @Option(names = "--cursor") String cursor) {
        var data = records(domain, name, type, limit, cursor);
        root.output()
                .table(
                        data,
                        col("ID", "id"),
                        col("NAME", "name"),
                        col("TYPE", "type"),
                        col("TTL", "ttl"),
                        col("PRIORITY", "priority"),
                        col("CONTENT", "content"));
        return ExitCodes.OK;
    }

    @Command(name = "set", description = "Create a record, or replace the one record of that name and type.")
    int set(
            @Parameters(index = "0", paramLabel = "DOMAIN") String domain,
            @Parameters(index = "1", paramLabel = "NAME", description = "relative name, @ for the apex") String name,
            @Parameters(index = "2", paramLabel = "TYPE") String type,
            @Parameters(index = "3", paramLabel = "CONTENT") String content,
            @Option(names = "--ttl", defaultValue = "3600") int ttl,
            @Option(names = "--priority", description = "MX and SRV") Integer priority,
            @Option(names = "--no-wait", description = "print the accepted job and return") boolean noWait,
            @Option(names = "--timeout", defaultValue = "PT10M", description = "how long to wait (ISO-8601)")
                    Duration timeout) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("name", name);
        record.put("type", type);
        record.put("ttl", ttl);
        record.put("content", content);
        if (priority != null) {
            record.put("priority", priority);
        }
        JsonNode existing = records(domain, name, type, 2, null).path("items");
        if (existing.size() > 1) {
            throw new CliException(
                    ExitCodes.REFUSED,
                    "several " + type + " records named " + name + "; delete by id, or use the API's PATCH batch");
        }
        Api api = root.api();
        String base = "/domains/" + domain + "/dns/records";
        JsonNode job = existing.isEmpty()
                ? api.post(base, record).path("data")
                : api.put(base + "/" + existing.get(0).path("id").asString(), record)
                        .path("data");
        return follow(api, job, noWait, timeout);
    }

    @Command(name = "delete", description = "Delete a record by id.")
    int delete(
            @Parameters(index = "0", paramLabel = "DOMAIN") String domain,
            @Parameters(index = "1", paramLabel = "RECORD_ID") String id,
            @Option(names = "--no-wait", description = "print the accepted job and return") boolean noWait,
            @Option(names = "--timeout", defaultValue = "PT10M") Duration timeout) {
        Api api = root.api();
        JsonNode job = api.delete("/domains/" + domain + "/dns/records/" + id).path("data");
        return follow(api, job, noWait, timeout);
    }

    private JsonNode records(String domain, String name, String type, int limit, String cursor) {
        return root.api()
                .get(
                        "/domains/" + domain + "/dns/records",
                        Api.params("name", name, "type", type, "limit", limit, "cursor", cursor))
                .path("data");
    }

    private int follow(Api api, JsonNode job, boolean noWait, Duration timeout) {
        if (noWait) {
            root.output().object(job, JobWatch.JOB_FIELDS);
            return ExitCodes.OK;
        }
        return JobWatch.watch(api, job.path("id").asString(), timeout, root.output(), root.err);
    }
}
