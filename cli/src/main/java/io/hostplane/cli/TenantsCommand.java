package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code hostplane tenants create|list|show|limits}: tenants (the API's accounts) and their limits; needs the
 * operator's token.
 */
@Command(name = "tenants", description = "Create, list and limit tenants (platform operator token).")
class TenantsCommand {

    @ParentCommand
    HostplaneCli root;

    @Command(name = "create", description = "Create a tenant.")
    int create(@Parameters(paramLabel = "NAME", description = "2-63 of a-z, 0-9, '-'") String name) {
        var data = root.api().post("/accounts", Map.of("name", name)).path("data");
        root.output().object(data, col("id", "id"), col("name", "name"));
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "List tenants.")
    int list(@Option(names = "--limit", defaultValue = "50") int limit, @Option(names = "--cursor") String cursor) {
        var data = root.api()
                .get("/accounts", Api.params("limit", limit, "cursor", cursor))
                .path("data");
        root.output().table(data, col("ID", "id"), col("NAME", "name"));
        return ExitCodes.OK;
    }

    @Command(name = "show", description = "Show a tenant and its limits.")
    int show(@Parameters(paramLabel = "ID", description = "the tenant's id (t_…)") String id) {
        printLimits(root.api().get("/accounts/" + id, Map.of()).path("data"));
        return ExitCodes.OK;
    }

    @Command(
            name = "limits",
            description = "Change a tenant's limits (only those given; --reset NAME returns one to the default).")
    int limits(
            @Parameters(paramLabel = "ID", description = "the tenant's id (t_…)") String id,
            @Option(names = "--token-rate-limit", paramLabel = "N", description = "highest rate its tokens may grant")
                    Integer tokenLimit,
            @Option(names = "--token-rate-period", paramLabel = "SECONDS") Integer tokenPeriod,
            @Option(names = "--tenant-rate-limit", paramLabel = "N", description = "requests across all its tokens")
                    Integer tenantLimit,
            @Option(names = "--tenant-rate-period", paramLabel = "SECONDS") Integer tenantPeriod,
            @Option(names = "--active-jobs", paramLabel = "N") Integer activeJobs,
            @Option(
                            names = "--reset",
                            paramLabel = "NAME",
                            description = "token_rate_limit, tenant_rate_limit or active_jobs; repeat for several")
                    List<String> reset) {
        Map<String, Object> limits = new LinkedHashMap<>();
        rate(limits, "token_rate_limit", tokenLimit, tokenPeriod);
        rate(limits, "tenant_rate_limit", tenantLimit, tenantPeriod);
        if (activeJobs != null) {
            limits.put("active_jobs", activeJobs);
        }
        for (String name : reset == null ? List.<String>of() : reset) {
            limits.put(name, null);
        }
        printLimits(
                root.api().patch("/accounts/" + id, Map.of("limits", limits)).path("data"));
        return ExitCodes.OK;
    }

    private static void rate(Map<String, Object> limits, String name, Integer limit, Integer period) {
        Map<String, Object> rate = new LinkedHashMap<>();
        if (limit != null) {
            rate.put("limit", limit);
        }
        if (period != null) {
            rate.put("period_seconds", period);
        }
        if (!rate.isEmpty()) {
            limits.put(name, rate);
        }
    }

    private void printLimits(JsonNode account) {
        if (root.output().json()) {
            root.output().object(account);
            return;
        }
        JsonNode l = account.path("limits");
        ObjectNode flat = Api.JSON.createObjectNode();
        flat.put("id", account.path("id").asString());
        flat.put("name", account.path("name").asString());
        flat.put("token_rate_limit", rateText(l.path("token_rate_limit")));
        flat.put("tenant_rate_limit", rateText(l.path("tenant_rate_limit")));
        flat.put("active_jobs", l.path("active_jobs").asInt());
        root.output()
                .object(
                        flat,
                        col("id", "id"),
                        col("name", "name"),
                        col("token rate limit", "token_rate_limit"),
                        col("tenant rate limit", "tenant_rate_limit"),
                        col("active jobs", "active_jobs"));
    }

    private static String rateText(JsonNode rate) {
        return rate.path("limit").asLong() + " per "
                + rate.path("period_seconds").asLong() + " s";
    }
}
