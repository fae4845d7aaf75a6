package io.hostplane.cli;

import java.io.PrintWriter;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * Follows a job to its end with long polls ({@code ?wait=30s}, so no busy polling), printing a progress line
 * on stderr, and returns the exit code its end means: 0 succeeded, 5 failed or cancelled.
 */
final class JobWatch {

    private JobWatch() {}

    static final Output.Column[] JOB_FIELDS = {
        Output.col("id", "id"),
        Output.col("type", "type"),
        Output.col("status", "status"),
        Output.col("resource", "resource"),
        Output.col("attempts", "attempts"),
        Output.col("created", "created_at"),
        Output.col("finished", "finished_at"),
        Output.col("warnings", "warnings"),
        Output.col("error", "error")
    };

    static int watch(Api api, String jobId, Duration timeout, Output output, PrintWriter err) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        JsonNode job = api.get("/jobs/" + jobId, null).path("data");
        while (!terminal(job)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new CliException(
                        ExitCodes.NEGATIVE,
                        "job " + jobId + " is still " + job.path("status").asString() + " after " + timeout.toSeconds()
                                + " s");
            }
            err.printf(
                    "job %s %s (attempt %s) %d s%n",
                    jobId,
                    job.path("status").asString(),
                    job.path("attempts").asString("0"),
                    Duration.ofNanos(System.nanoTime() - started).toSeconds());
            err.flush();
            Duration wait =
                    Duration.ofNanos(Math.min(left, Duration.ofSeconds(30).toNanos()));
            job = api.getWaiting("/jobs/" + jobId, wait.isZero() ? Duration.ofSeconds(1) : wait)
                    .path("data");
        }
        output.object(job, JOB_FIELDS);
        for (JsonNode warning : job.path("warnings")) {
            err.println("warning: " + warning.path("code").asString() + ": "
                    + warning.path("message").asString());
        }
        return "succeeded".equals(job.path("status").asString()) ? ExitCodes.OK : ExitCodes.NEGATIVE;
    }

    private static boolean terminal(JsonNode job) {
        String status = job.path("status").asString();
        return status.equals("succeeded") || status.equals("failed") || status.equals("cancelled");
    }
}
