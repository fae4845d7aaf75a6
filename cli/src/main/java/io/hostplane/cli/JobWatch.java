package io.hostplane.cli;

import java.io.PrintWriter;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/**
 * Follows a job to its end with long polls that the API holds until the job has ended ({@code
 * ?wait=30s&until=terminal}: one request for a job that ends within 30 s, and no busy polling), printing a progress
 * line on stderr first and after each long poll that the job outlasted, and returns the exit code its end means:
 * 0 succeeded, 5 failed or cancelled.
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
        err.printf("job %s: waiting for it to end (at most %d s)%n", jobId, timeout.toSeconds());
        err.flush();
        JsonNode job = poll(api, jobId, deadline);
        while (!terminal(job)) {
            if (System.nanoTime() >= deadline) {
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
            job = poll(api, jobId, deadline);
        }
        output.object(job, JOB_FIELDS);
        for (JsonNode warning : job.path("warnings")) {
            err.println("warning: " + warning.path("code").asString() + ": "
                    + warning.path("message").asString());
        }
        return "succeeded".equals(job.path("status").asString()) ? ExitCodes.OK : ExitCodes.NEGATIVE;
    }

    /** The job once it has ended, or as it is after up to 30 s (less if the deadline comes first). */
    private static JsonNode poll(Api api, String jobId, long deadline) {
        Duration wait = Duration.ofNanos(
                Math.min(deadline - System.nanoTime(), Duration.ofSeconds(30).toNanos()));
        JsonNode answer =
                wait.toSeconds() < 1 ? api.get("/jobs/" + jobId, null) : api.getWhenTerminal("/jobs/" + jobId, wait);
        return answer.path("data");
    }

    private static boolean terminal(JsonNode job) {
        String status = job.path("status").asString();
        return status.equals("succeeded") || status.equals("failed") || status.equals("cancelled");
    }
}
