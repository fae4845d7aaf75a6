package io.hostplane.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** One CLI invocation in this JVM: its exit code and what it printed. */
record CliRun(int code, String out, String err) {

    static CliRun of(Map<String, String> env, Path workDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = HostplaneCli.run(args, env, workDir, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRun(code, out.toString(), err.toString());
    }
}
