package io.hostplane.sdk;

import io.hostplane.sdk.api.JobsApi;
import io.hostplane.sdk.invoker.ApiClient;
import io.hostplane.sdk.invoker.ApiException;
import io.hostplane.sdk.model.Job;
import io.hostplane.sdk.model.JobStatus;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * The SDK's two hand-written conveniences on top of the generated client: a client that sends the token, and
 * waiting for a job with the API's long poll ({@code ?wait=…&until=terminal}).
 */
public final class Hostplane {

    private static final Set<JobStatus> TERMINAL = Set.of(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED);

    /** The longest wait the API grants per poll is 55 s; requests may take that long and a little more. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(65);

    private Hostplane() {}

    /**
     * A client of the API at {@code baseUrl} (scheme, host and port, e.g. {@code http://127.0.0.1:8080}) that
     * sends {@code token} as {@code Authorization: Bearer}; a null token sends none (public operations).
     */
    public static ApiClient client(String baseUrl, String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        client.setConnectTimeout(Duration.ofSeconds(5));
        client.setReadTimeout(READ_TIMEOUT);
        if (token != null) {
            client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        }
        return client;
    }

    /** Whether a job has reached a state that never changes again. */
    public static boolean isTerminal(Job job) {
        return TERMINAL.contains(job.getStatus());
    }

    /**
     * Waits for the job with {@code GET /api/v1/jobs/{id}?wait=…&until=terminal}, which the API holds until the job
     * is terminal (one request for a job that ends within 30 s), until it is terminal or {@code timeout} has passed;
     * returns the job as last seen (terminal unless the time ran out).
     */
    public static Job awaitJob(JobsApi jobs, UUID id, Duration timeout) throws ApiException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Job job = null;
        do {
            long left = Duration.ofNanos(deadline - System.nanoTime()).toSeconds();
            if (left <= 0) {
                return job != null ? job : jobs.getJob(id, null, null, null).getData();
            }
            job = jobs.getJob(id, Math.min(left, 30) + "s", "terminal", null).getData();
        } while (!isTerminal(job));
        return job;
    }
}
