package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hostplane tokens create|list|revoke|rotate}. A new token is shown once, like the API shows it. */
@Command(name = "tokens", description = "Create, list, revoke and rotate API tokens.")
class TokensCommand {

    @ParentCommand
    HostplaneCli root;

    private static final Output.Column[] FIELDS = {
        col("id", "id"),
        col("token", "token"),
        col("tenant", "tenant"),
        col("description", "description"),
        col("scopes", "scopes"),
        col("expires", "expires_at"),
        col("status", "status")
    };

    @Command(name = "create", description = "Create a token; its secret is printed once.")
    int create(
            @Option(names = "--scope", required = true, paramLabel = "SCOPE", description = "repeat for several")
                    List<String> scopes,
            @Option(names = "--description", defaultValue = "created with the CLI") String description,
            @Option(names = "--expires-at", paramLabel = "TIME", description = "ISO-8601 instant") String expiresAt,
            @Option(names = "--tenant", description = "for another tenant (operator only)") String tenant,
            @Option(names = "--rate-limit", paramLabel = "N", description = "requests per period") Integer limit,
            @Option(names = "--rate-period", paramLabel = "SECONDS", defaultValue = "60") int period) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("description", description);
        body.put("scopes", scopes);
        if (expiresAt != null) {
            body.put("expires_at", expiresAt);
        }
        if (tenant != null) {
            body.put("tenant", tenant);
        }
        if (limit != null) {
            body.put("rate_limit", Map.of("limit", limit, "period_seconds", period));
        }
        root.output().object(root.api().post("/tokens", body).path("data"), FIELDS);
        return ExitCodes.OK;
    }

    @Command(
            name = "rate-limit",
            description = "This token's and its tenant's rate-limit windows (the call is not counted).")
    int rateLimit() {
        var data = root.api().get("/rate-limit", Map.of()).path("data");
        if (root.output().json()) {
            root.output().object(data);
            return ExitCodes.OK;
        }
        var flat = Api.JSON.createObjectNode();
        for (String window : new String[] {"token", "tenant"}) {
            var w = data.path(window);
            flat.put(
                    window,
                    w.isObject()
                            ? w.path("remaining").asLong() + " of "
                                    + w.path("limit").asLong() + " per "
                                    + w.path("period_seconds").asLong() + " s left, resets in "
                                    + w.path("reset").asLong() + " s"
                            : "none");
        }
        root.output().object(flat, col("token", "token"), col("tenant", "tenant"));
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List tokens (secrets are never shown again, only their hints).")
    int list(@Option(names = "--limit", defaultValue = "50") int limit, @Option(names = "--cursor") String cursor) {
        var data = root.api()
                .get("/tokens", Api.params("limit", limit, "cursor", cursor))
                .path("data");
        root.output()
                .table(
                        data,
                        col("ID", "id"),
                        col("HINT", "hint"),
                        col("DESCRIPTION", "description"),
                        col("SCOPES", "scopes"),
                        col("STATUS", "status"),
                        col("LAST USED", "last_used_at"));
        return ExitCodes.OK;
    }

    @Command(name = "revoke", description = "Revoke a token (effective on every API replica within a second).")
    int revoke(@Parameters(paramLabel = "TOKEN_ID") String id) {
        root.api().delete("/tokens/" + id);
        root.output().line("revoked " + id);
        return ExitCodes.OK;
    }

    @Command(name = "rotate", description = "Replace a token by a new one; the old one works for the grace period.")
    int rotate(
            @Parameters(paramLabel = "TOKEN_ID") String id,
            @Option(names = "--grace", paramLabel = "SECONDS", description = "how long the old token keeps working")
                    Integer grace) {
        Object body = grace == null ? Map.of() : Map.of("grace_seconds", grace);
        root.output().object(root.api().post("/tokens/" + id + "/rotate", body).path("data"), FIELDS);
        return ExitCodes.OK;
    }
}
