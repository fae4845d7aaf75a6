package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hostplane jobs get|list|watch}. */
@Command(name = "jobs", description = "Show, list, follow and cancel jobs.")
class JobsCommand {

    @ParentCommand
    HostplaneCli root;

    @Command(name = "get", description = "Show a job.")
    int get(@Parameters(paramLabel = "JOB_ID") String id) {
        root.output().object(root.api().get("/jobs/" + id, null).path("data"), JobWatch.JOB_FIELDS);
        return ExitCodes.OK;
    }

    @Command(
            name = "cancel",
            description = "Cancel a queued job; a replay (audit.replay) is stopped by the audit service, queued or"
                    + " running, and ends cancelled.")
    int cancel(@Parameters(paramLabel = "JOB_ID") String id) {
        root.output().object(root.api().post("/jobs/" + id + "/cancel", null).path("data"), JobWatch.JOB_FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List jobs, newest first.")
    int list(
            @Option(names = "--status", description = "queued, running, succeeded, failed, cancelled; repeat")
                    List<String> statuses,
            @Option(names = "--type", description = "e.g. dns.record.create; repeat") List<String> types,
            @Option(names = "--resource", description = "e.g. domains/example.com") String resource,
            @Option(names = "--limit", defaultValue = "50") int limit,
            @Option(names = "--cursor") String cursor) {
        var data = root.api()
                .get(
                        "/jobs",
                        Api.params(
                                "status",
                                statuses,
                                "type",
                                types,
                                "resource",
                                resource,
                                "limit",
                                limit,
                                "cursor",
                                cursor))
                .path("data");
        root.output()
                .table(
                        data,
                        col("ID", "id"),
                        col("TYPE", "type"),
                        col("STATUS", "status"),
                        col("RESOURCE", "resource"),
                        col("CREATED", "created_at"));
        return ExitCodes.OK;
    }

    @Command(name = "watch", description = "Follow a job to its end; exit 0 if it succeeded, 5 if not.")
    int watch(
            @Parameters(paramLabel = "JOB_ID") String id,
            @Option(names = "--timeout", defaultValue = "PT10M", description = "ISO-8601, e.g. PT30S")
                    Duration timeout) {
        return JobWatch.watch(root.api(), id, timeout, root.output(), root.err);
    }
}
