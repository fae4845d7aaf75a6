package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code hostplane tenants create|list}: tenants (the API's accounts); needs the operator's token. */
@Command(name = "tenants", description = "Create and list tenants (platform operator token).")
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
}
