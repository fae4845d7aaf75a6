package io.hostplane.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Issue 6's audit benchmarks, driven by {@code bench/audit.sh} against a platform it started. Each mode prints
 * what it measured and lines {@code @key value} that the script collects into its table.
 *
 * <pre>
 * ingest BOOTSTRAP JDBC_URL EVENTS TENANTS DIR   request records straight to hostplane.audit, timed until stored:
 *                                                sent live, then as a backlog made visible at once (one Kafka
 *                                                transaction); the backlog's rows COPYed into same-definition
 *                                                scratch tables ({@link AuditIngestBench})
 * replay API TOKEN_FILE TARGET_JSON             a replay job, timed from 202 to succeeded ({@link AuditReplayBench})
 * query API TOKEN_FILE TENANTS FIRST_DAY DAYS COUNT WARMUP [JDBC_URL]
 *                                                GET /audit/events for random (tenant, day) pairs; with JDBC_URL,
 *                                                the same pairs through the API's query code on one connection
 *                                                ({@link AuditQueryBench})
 * </pre>
 *
 * The database password is read from {@code PGPASSWORD} (user {@code PGUSER}, default {@code hostplane}); it is
 * never printed.
 */
public final class AuditBench {

    private AuditBench() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "ingest" ->
                AuditIngestBench.run(
                        args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Path.of(args[5]));
            case "replay" ->
                AuditReplayBench.run(args[1], Files.readString(Path.of(args[2])).trim(), args[3]);
            case "query" ->
                AuditQueryBench.run(
                        args[1],
                        Files.readString(Path.of(args[2])).trim(),
                        Integer.parseInt(args[3]),
                        LocalDate.parse(args[4]),
                        Integer.parseInt(args[5]),
                        Integer.parseInt(args[6]),
                        Integer.parseInt(args[7]),
                        args.length > 8 ? args[8] : null);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
