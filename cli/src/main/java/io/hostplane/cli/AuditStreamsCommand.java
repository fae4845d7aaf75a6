package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hostplane audit streams list|create|show|update|delete|pause|resume}: continuous delivery of the audit log
 * to a syslog collector or an HTTP (Splunk HEC shaped) endpoint. A sink token is read from a file, never from
 * the command line (which every user of the machine can read with {@code ps}).
 */
@Command(
        name = "streams",
        description = "Stream the audit log to a syslog collector (TLS) or an HTTP collector (Splunk HEC shape).")
class AuditStreamsCommand {

    @ParentCommand
    AuditCommand audit;

    private static final Output.Column[] FIELDS = {
        col("id", "id"),
        col("kind", "kind"),
        col("tenant", "tenant"),
        col("url", "url"),
        col("host", "host"),
        col("port", "port"),
        col("types", "types"),
        col("description", "description"),
        col("token", "token"),
        col("ca", "ca"),
        col("status", "status"),
        col("paused reason", "paused_reason"),
        col("position", "position"),
        col("lag", "lag"),
        col("delivered", "delivered"),
        col("last delivery", "last_delivery_at"),
        col("last error", "last_error"),
        col("failing since", "failing_since")
    };

    /** What create and update share: the sink and the events. */
    static class Sink {
        @Option(names = "--url", description = "http: the collector's URL (https)")
        String url;

        @Option(names = "--host", description = "syslog: the collector's host")
        String host;

        @Option(names = "--port", description = "syslog: its TLS port (6514 by convention)")
        Integer port;

        @Option(names = "--sink-token-file", paramLabel = "FILE", description = "http: a file holding the sink's token")
        Path tokenFile;

        @Option(names = "--token-type", description = "bearer (default) or splunk")
        String tokenType;

        @Option(names = "--ca-file", paramLabel = "PEM", description = "CA certificates the sink's must chain to")
        Path caFile;

        @Option(names = "--type", paramLabel = "EVENT_TYPE", description = "an event type to carry; repeat")
        List<String> types;

        @Option(names = "--description")
        String description;

        void into(Map<String, Object> body) {
            put(body, "url", url);
            put(body, "host", host);
            put(body, "port", port);
            put(body, "token", read(tokenFile));
            put(body, "token_type", tokenType);
            put(body, "ca_pem", read(caFile));
            put(body, "types", types);
            put(body, "description", description);
        }

        private static void put(Map<String, Object> body, String name, Object value) {
            if (value != null) {
                body.put(name, value);
            }
        }

        private static String read(Path file) {
            if (file == null) {
                return null;
            }
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "list", description = "List audit streams with their status.")
    int list(
            @Option(names = "--tenant", description = "one tenant's (operator token)") String tenant,
            @Option(names = "--limit", defaultValue = "50") int limit,
            @Option(names = "--cursor") String cursor) {
        var data = audit.root
                .api()
                .get("/audit/streams", Api.params("tenant", tenant, "limit", limit, "cursor", cursor))
                .path("data");
        audit.root
                .output()
                .table(
                        data,
                        col("ID", "id"),
                        col("KIND", "kind"),
                        col("TENANT", "tenant"),
                        col("STATUS", "status"),
                        col("LAG", "lag"),
                        col("DELIVERED", "delivered"),
                        col("LAST DELIVERY", "last_delivery_at"));
        return ExitCodes.OK;
    }

    @Command(name = "create", description = "Create a stream; the sink is checked (address, TLS) before it is saved.")
    int create(
            @Option(names = "--kind", required = true, description = "syslog or http") String kind,
            @Option(names = "--tenant", description = "one tenant's events (operator token; default: all)")
                    String tenant,
            @picocli.CommandLine.Mixin Sink sink) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind);
        if (tenant != null) {
            body.put("tenant", tenant);
        }
        sink.into(body);
        audit.root.output().object(audit.root.api().post("/audit/streams", body).path("data"), FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "One stream: position per partition, lag, last delivery and error.")
    int show(@Parameters(paramLabel = "STREAM_ID") String id) {
        audit.root
                .output()
                .object(audit.root.api().get("/audit/streams/" + id, Map.of()).path("data"), FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "update", description = "Change a stream (a merge patch of the options given).")
    int update(
            @Parameters(paramLabel = "STREAM_ID") String id,
            @picocli.CommandLine.Mixin Sink sink,
            @Option(names = "--clear-token", description = "remove the token") boolean clearToken,
            @Option(names = "--clear-ca", description = "trust the default store again") boolean clearCa,
            @Option(names = "--all-types", description = "carry every event type") boolean allTypes) {
        Map<String, Object> body = new LinkedHashMap<>();
        sink.into(body);
        if (clearToken) {
            body.put("token", null);
        }
        if (clearCa) {
            body.put("ca_pem", null);
        }
        if (allTypes) {
            body.put("types", null);
        }
        audit.root
                .output()
                .object(audit.root.api().patch("/audit/streams/" + id, body).path("data"), FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Delete a stream; deliveries stop within seconds.")
    int delete(@Parameters(paramLabel = "STREAM_ID") String id) {
        audit.root.api().delete("/audit/streams/" + id);
        audit.root.output().line("deleted " + id);
        return ExitCodes.OK;
    }

    @Command(name = "pause", description = "Stop deliveries; the stream keeps its position.")
    int pause(@Parameters(paramLabel = "STREAM_ID") String id) {
        return post(id, "pause");
    }

    @Command(name = "resume", description = "Deliver again from the stream's position.")
    int resume(@Parameters(paramLabel = "STREAM_ID") String id) {
        return post(id, "resume");
    }

    private int post(String id, String action) {
        audit.root
                .output()
                .object(
                        audit.root
                                .api()
                                .post("/audit/streams/" + id + "/" + action, Map.of())
                                .path("data"),
                        FIELDS);
        return ExitCodes.OK;
    }
}
