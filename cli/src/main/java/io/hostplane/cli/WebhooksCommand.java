package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code hostplane webhooks list|create|show|update|delete|rotate-secret|test|deliveries|redeliver}: a tenant's
 * subscriptions to events, as {@code /webhooks} serves them. A subscription's signing secret is shown once, by
 * {@code create} and by {@code rotate-secret}, as the API shows it.
 */
@Command(
        name = "webhooks",
        description = "Subscribe an https endpoint to events (job endings, token and certificate notices, replays).")
class WebhooksCommand {

    @ParentCommand
    HostplaneCli root;

    private static final Output.Column[] FIELDS = {
        col("id", "id"),
        col("url", "url"),
        col("events", "events"),
        col("description", "description"),
        col("status", "status"),
        col("disabled reason", "disabled_reason"),
        col("disabled at", "disabled_at"),
        col("failing since", "failing_since"),
        col("secret id", "secret_id"),
        col("secret created", "secret_created_at"),
        col("created", "created_at"),
        col("updated", "updated_at")
    };

    private static final Output.Column[] DELIVERY = {
        col("id", "id"),
        col("webhook", "webhook_id"),
        col("event id", "event_id"),
        col("event type", "event_type"),
        col("redelivery of", "redelivery_of"),
        col("state", "state"),
        col("attempts", "attempts"),
        col("next attempt", "next_attempt_at"),
        col("created", "created_at"),
        col("finished", "finished_at"),
        col("last status code", "last_status_code"),
        col("last error", "last_error")
    };

    private static final String EVENTS = "job.succeeded, job.failed, job.cancelled (each optionally :JOB_TYPE, e.g."
            + " job.failed:backup.create), token.revoked, token.expiring, ssl.expiring, audit.replay.finished or *;"
            + " repeat";

    @Command(name = "list", description = "List the tenant's webhook subscriptions.")
    int list(
            @Option(names = "--limit", defaultValue = "50") int limit,
            @Option(names = "--cursor", description = "the previous page's next cursor") String cursor) {
        var data = root.api()
                .get("/webhooks", Api.params("limit", limit, "cursor", cursor))
                .path("data");
        root.output()
                .table(
                        data,
                        col("ID", "id"),
                        col("STATUS", "status"),
                        col("EVENTS", "events"),
                        col("URL", "url"),
                        col("DESCRIPTION", "description"));
        return ExitCodes.OK;
    }

    @Command(
            name = "create",
            description = "Create a subscription; its signing secret is printed this once (keep it now).")
    int create(
            @Option(
                            names = "--url",
                            required = true,
                            paramLabel = "URL",
                            description = "where deliveries are posted (https)")
                    String url,
            @Option(names = "--event", required = true, paramLabel = "TYPE", description = EVENTS) List<String> events,
            @Option(names = "--description", paramLabel = "TEXT", description = "free text for people")
                    String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("events", events);
        if (description != null) {
            body.put("description", description);
        }
        JsonNode data = root.api().post("/webhooks", body).path("data");
        root.output().object(data, withSecret());
        root.err.println("hostplane: the signing secret is shown this once: keep it now.");
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "One subscription: its events, status, and its current secret's id.")
    int show(@Parameters(paramLabel = "WEBHOOK_ID") String id) {
        root.output().object(root.api().get("/webhooks/" + id, Map.of()).path("data"), FIELDS);
        return ExitCodes.OK;
    }

    /** At most one of {@code --enable} and {@code --disable}. */
    static class Status {
        @Option(
                names = "--enable",
                required = true,
                description = "enable it (also after it was disabled for failing; pending deliveries resume)")
        boolean enable;

        @Option(names = "--disable", required = true, description = "disable it: nothing is delivered")
        boolean disable;
    }

    @Command(name = "update", description = "Change a subscription (a merge patch of the options given).")
    int update(
            @Parameters(paramLabel = "WEBHOOK_ID") String id,
            @Option(names = "--url", paramLabel = "URL", description = "where deliveries are posted (https)")
                    String url,
            @Option(names = "--event", paramLabel = "TYPE", description = "replaces the events: " + EVENTS)
                    List<String> events,
            @Option(names = "--description", paramLabel = "TEXT", description = "free text for people")
                    String description,
            @ArgGroup(exclusive = true, multiplicity = "0..1") Status status) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (url != null) {
            body.put("url", url);
        }
        if (events != null && !events.isEmpty()) {
            body.put("events", events);
        }
        if (description != null) {
            body.put("description", description);
        }
        if (status != null) {
            body.put("status", status.enable ? "enabled" : "disabled");
        }
        if (body.isEmpty()) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "nothing to change: give --url, --event, --description, --enable or --disable"
                            + " (see: hostplane webhooks update --help)");
        }
        root.output().object(root.api().patch("/webhooks/" + id, body).path("data"), FIELDS);
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Delete a subscription with its deliveries; nothing more is sent.")
    int delete(@Parameters(paramLabel = "WEBHOOK_ID") String id) {
        root.api().delete("/webhooks/" + id);
        root.output().line("deleted " + id);
        return ExitCodes.OK;
    }

    @Command(
            name = "rotate-secret",
            description = "A new signing secret, printed this once; the ones before it still sign for a while.")
    int rotateSecret(@Parameters(paramLabel = "WEBHOOK_ID") String id) {
        JsonNode data =
                root.api().post("/webhooks/" + id + "/rotate-secret", Map.of()).path("data");
        root.output()
                .object(
                        data,
                        col("webhook", "webhook_id"),
                        col("secret id", "secret_id"),
                        col("secret", "secret"),
                        col("created", "created_at"),
                        col("previous valid until", "previous_valid_until"));
        root.err.println("hostplane: the signing secret is shown this once: keep it now.");
        return ExitCodes.OK;
    }

    @Command(
            name = "test",
            description = "Send a webhook.test event to this subscription only; its delivery shows how it went.")
    int test(@Parameters(paramLabel = "WEBHOOK_ID") String id) {
        root.output()
                .object(
                        withLastAttempt(root.api()
                                .post("/webhooks/" + id + "/test", Map.of())
                                .path("data")),
                        DELIVERY);
        return ExitCodes.OK;
    }

    @Command(name = "deliveries", description = "A subscription's deliveries, newest first, with their attempts.")
    int deliveries(
            @Parameters(paramLabel = "WEBHOOK_ID") String id,
            @Option(names = "--state", description = "pending, delivered or failed") String state,
            @Option(names = "--limit", defaultValue = "50") int limit,
            @Option(names = "--cursor", description = "the previous page's next cursor") String cursor) {
        JsonNode data = root.api()
                .get("/webhooks/" + id + "/deliveries", Api.params("state", state, "limit", limit, "cursor", cursor))
                .path("data");
        if (!root.output().json() && data.path("items").isArray()) {
            ArrayNode items = Api.JSON.createArrayNode();
            data.path("items").forEach(item -> items.add(withLastAttempt(item)));
            ObjectNode page = ((ObjectNode) data).deepCopy();
            page.set("items", items);
            data = page;
        }
        root.output()
                .table(
                        data,
                        col("ID", "id"),
                        col("EVENT TYPE", "event_type"),
                        col("STATE", "state"),
                        col("ATTEMPTS", "attempts"),
                        col("CREATED", "created_at"),
                        col("LAST STATUS", "last_status_code"));
        return ExitCodes.OK;
    }

    @Command(
            name = "redeliver",
            description = "Send an earlier delivery's event again, as a new delivery with the same event id.")
    int redeliver(
            @Parameters(index = "0", paramLabel = "WEBHOOK_ID") String id,
            @Parameters(index = "1", paramLabel = "DELIVERY_ID") String delivery) {
        root.output()
                .object(
                        withLastAttempt(root.api()
                                .post("/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", Map.of())
                                .path("data")),
                        DELIVERY);
        return ExitCodes.OK;
    }

    private static Output.Column[] withSecret() {
        Output.Column[] columns = new Output.Column[FIELDS.length + 1];
        System.arraycopy(FIELDS, 0, columns, 0, FIELDS.length);
        columns[FIELDS.length] = col("secret", "secret");
        return columns;
    }

    /**
     * For people: the delivery with its last attempt's status code and error beside it ({@code --json} prints the
     * API's answer unchanged).
     */
    private JsonNode withLastAttempt(JsonNode delivery) {
        if (root.output().json() || !delivery.isObject()) {
            return delivery;
        }
        ObjectNode copy = ((ObjectNode) delivery).deepCopy();
        JsonNode attempts = delivery.path("attempt_history");
        if (attempts.isArray() && !attempts.isEmpty()) {
            JsonNode last = attempts.get(attempts.size() - 1);
            for (String field : new String[] {"status_code", "error"}) {
                if (!last.path(field).isMissingNode()) {
                    copy.set("last_" + field, last.path(field));
                }
            }
        }
        return copy;
    }
}
