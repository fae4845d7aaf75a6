package io.hostplane.e2e.example;

import io.hostplane.sdk.Hostplane;
import io.hostplane.sdk.api.DnsApi;
import io.hostplane.sdk.api.JobsApi;
import io.hostplane.sdk.invoker.ApiClient;
import io.hostplane.sdk.invoker.ApiException;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.Job;
import java.time.Duration;
import java.util.UUID;

/**
 * The README's Java SDK example: creates a DNS record and waits for its job. {@code SdkContractTest} runs it
 * against the whole platform, so that it keeps compiling and working. Run by hand against {@code ./hostplane
 * dev}: {@code HOSTPLANE_TOKEN=$(cat .hostplane/demo-token)} and, if not the default, {@code HOSTPLANE_URL}.
 */
public final class CreateRecordExample {

    private CreateRecordExample() {}

    public static void main(String[] args) throws ApiException {
        String url = System.getenv().getOrDefault("HOSTPLANE_URL", "http://127.0.0.1:8080");
        Job job = createRecordAndWait(url, System.getenv("HOSTPLANE_TOKEN"), "example.test");
        System.out.println("job " + job.getId() + " " + job.getStatus() + ", warnings: " + job.getWarnings());
    }

    public static Job createRecordAndWait(String apiUrl, String token, String domain) throws ApiException {
        ApiClient client = Hostplane.client(apiUrl, token); // sends Authorization: Bearer <token>
        DnsApi dns = new DnsApi(client);
        JobsApi jobs = new JobsApi(client);

        // Every change is a job: the API answers 202 Accepted with the job, queued.
        DnsRecordInput record = new DnsRecordInput()
                .name("www")
                .type(DnsRecordInput.TypeEnum.A)
                .ttl(300)
                .content("192.0.2.10");
        String idempotencyKey = UUID.randomUUID().toString(); // the same key makes a retry safe
        Job job = dns.createDnsRecord(domain, record, idempotencyKey, null).getData();

        // Long-polls GET /api/v1/jobs/{id}?wait=30s&until=terminal: answered once the job is succeeded, failed or
        // cancelled.
        return Hostplane.awaitJob(jobs, job.getId(), Duration.ofMinutes(2));
    }
}
