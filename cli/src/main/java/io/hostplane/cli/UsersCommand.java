package io.hostplane.cli;

import static io.hostplane.cli.Output.col;

import java.io.IOException;
import java.io.InputStream;
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
 * {@code hostplane users create}: a user who can sign in on the OAuth approval page. The password is read
 * from a file or from standard input, never from the command line (which every user of the machine sees).
 */
@Command(name = "users", description = "Create users who approve OAuth requests.")
class UsersCommand {

    @ParentCommand
    HostplaneCli root;

    InputStream stdin = System.in;

    @Command(name = "create", description = "Create a user.")
    int create(
            @Parameters(paramLabel = "USERNAME") String username,
            @Option(names = "--password-file", paramLabel = "FILE", description = "file holding the password")
                    Path passwordFile,
            @Option(names = "--password-stdin", description = "read the password from standard input")
                    boolean passwordStdin,
            @Option(names = "--scope", paramLabel = "SCOPE", description = "scopes the user may grant; repeat")
                    List<String> scopes,
            @Option(names = "--tenant", description = "for another tenant (operator only)") String tenant) {
        String password = password(passwordFile, passwordStdin);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("username", username);
        body.put("password", password);
        if (scopes != null) {
            body.put("scopes", scopes);
        }
        if (tenant != null) {
            body.put("tenant", tenant);
        }
        var data = root.api().post("/users", body).path("data");
        root.output()
                .object(
                        data,
                        col("id", "id"),
                        col("tenant", "tenant"),
                        col("username", "username"),
                        col("scopes", "scopes"));
        return ExitCodes.OK;
    }

    private String password(Path file, boolean fromStdin) {
        try {
            if (file != null) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            if (fromStdin) {
                return new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            throw new CliException(ExitCodes.USAGE, "cannot read the password: " + e.getMessage());
        }
        throw new CliException(ExitCodes.USAGE, "give the password with --password-file FILE or --password-stdin");
    }
}
