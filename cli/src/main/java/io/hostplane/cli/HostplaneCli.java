package io.hostplane.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code ./hostplane tenants|tokens|users|dns|jobs|audit|webhooks …}: the API from a shell. Every call goes through
 * the public API with a token, so it is authorised, rate-limited and audited like any other client's.
 */
@Command(
        name = "hostplane",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        version = "hostplane 0.1.0",
        description = "Hostplane from a shell: tenants, tokens, users, DNS records, jobs, the audit log and webhooks.",
        subcommands = {
            TenantsCommand.class,
            TokensCommand.class,
            UsersCommand.class,
            DnsCommand.class,
            JobsCommand.class,
            AuditCommand.class,
            WebhooksCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:done (a watched job succeeded, a verified log is intact)",
            "1:the API refused the request (the message says why)",
            "2:bad arguments or options; a file to verify that is not an audit export",
            "3:no token, a wrong or expired token, or a missing scope",
            "4:the API cannot be reached or failed (5xx)",
            "5:the answer is no: the job failed or was cancelled, the log or an export does not verify"
        },
        footer = {
            "",
            "Token: --token, --token-file, $HOSTPLANE_TOKEN, .hostplane/token, then .hostplane/demo-token.",
            "API: --api, $HOSTPLANE_API, then http://127.0.0.1:8080."
        })
public final class HostplaneCli {

    @Option(
            scope = ScopeType.INHERIT,
            names = "--api",
            paramLabel = "URL",
            description = "API base URL (default: $HOSTPLANE_API or http://127.0.0.1:8080)")
    String apiUrl;

    @Option(
            scope = ScopeType.INHERIT,
            names = "--token",
            paramLabel = "TOKEN",
            description = "API token (visible to `ps`: prefer --token-file)")
    String token;

    @Option(
            scope = ScopeType.INHERIT,
            names = "--token-file",
            paramLabel = "FILE",
            description = "file holding the API token")
    Path tokenFile;

    @Option(scope = ScopeType.INHERIT, names = "--json", description = "print the answer as JSON (for scripts)")
    boolean json;

    @Option(scope = ScopeType.INHERIT, names = "--debug", description = "print stack traces of failures")
    boolean debug;

    Map<String, String> env = System.getenv();
    Path workDir = Path.of("");
    PrintWriter out;
    PrintWriter err;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, System.getenv(), Path.of(""), out, err));
    }

    /** Runs one command line and returns its exit code (tests call this directly). */
    static int run(String[] args, Map<String, String> env, Path workDir, PrintWriter out, PrintWriter err) {
        HostplaneCli cli = new HostplaneCli();
        cli.env = env;
        cli.workDir = workDir;
        cli.out = out;
        cli.err = err;
        CommandLine line = new CommandLine(cli);
        line.setOut(out);
        line.setErr(err);
        line.setParameterExceptionHandler((e, arguments) -> {
            err.println("hostplane: " + e.getMessage() + " (see: "
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return ExitCodes.USAGE;
        });
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (cli.debug) {
                e.printStackTrace(err);
            }
            if (e instanceof CliException failure) {
                err.println("hostplane: " + failure.getMessage());
                return failure.exitCode();
            }
            err.println("hostplane: unexpected error: " + e + (cli.debug ? "" : " (--debug shows more)"));
            return ExitCodes.REFUSED;
        });
        int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    Api api() {
        String url = apiUrl != null ? apiUrl : env.getOrDefault("HOSTPLANE_API", "http://127.0.0.1:8080");
        return new Api(url, resolveToken());
    }

    Output output() {
        return new Output(out, json);
    }

    private String resolveToken() {
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        if (tokenFile != null) {
            return read(tokenFile);
        }
        String fromEnv = env.get("HOSTPLANE_TOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        for (String name : new String[] {"token", "demo-token"}) {
            Path file = workDir.resolve(".hostplane").resolve(name);
            if (Files.isReadable(file)) {
                return read(file);
            }
        }
        throw new CliException(ExitCodes.AUTH, "no token: pass --token-file FILE or --token, or set HOSTPLANE_TOKEN");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new CliException(ExitCodes.AUTH, "cannot read the token file " + file + ": " + e.getMessage());
        }
    }
}
