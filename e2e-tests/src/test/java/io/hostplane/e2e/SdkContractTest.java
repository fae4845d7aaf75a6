package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostplane.e2e.example.CreateRecordExample;
import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import io.hostplane.sdk.Hostplane;
import io.hostplane.sdk.invoker.ApiException;
import io.hostplane.sdk.invoker.ApiResponse;
import io.hostplane.sdk.model.DnsRecord;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.Domain;
import io.hostplane.sdk.model.Job;
import io.hostplane.sdk.model.JobEnvelope;
import io.hostplane.sdk.model.JobStatus;
import io.hostplane.sdk.model.RateLimit;
import io.hostplane.sdk.model.TokenCreate;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK and the API agree: the document that the running API serves is the one that sdk-java was generated
 * from (so every other end-to-end test, which goes through the SDK, tests the documented API), and the
 * README's example works against the whole platform.
 */
class SdkContractTest {

    /** Where sdk-java keeps the checked-in copy; its jar carries it as {@link #SDK_DOCUMENT}. */
    static final String CHECKED_IN_COPY = "sdk-java/src/main/openapi/openapi.json";

    static final String SDK_DOCUMENT = "/io/hostplane/sdk/openapi.json";

    private static DevStack stack;
    private static Path data;

    @BeforeAll
    static void start() throws Exception {
        data = Path.of("target", "sdk-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(data, FreePorts::next), Map.of()).start(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theLiveDocumentIsTheOneTheSdkWasGeneratedFrom() throws Exception {
        Sdk anonymous = new Sdk(stack.apiUrl(), null); // the document is public
        // A plain mapper: the SDK's own leaves out nulls, and the document has null examples.
        ObjectMapper json = new ObjectMapper();
        JsonNode live = json.valueToTree(anonymous.system.getOpenApiDocument());
        JsonNode copy;
        try (InputStream in = SdkContractTest.class.getResourceAsStream(SDK_DOCUMENT)) {
            assertThat(in).as("sdk-java's jar carries %s", SDK_DOCUMENT).isNotNull();
            copy = json.readTree(in);
        }
        List<String> differences = new ArrayList<>();
        diff("", copy, live, differences);
        assertThat(differences)
                .withFailMessage(
                        "The API serves another OpenAPI document than the one the SDK was generated from (%s);"
                                + " they differ at %s.%nIf the API's change is intended, update the copy and"
                                + " rebuild the SDK:%n  cp api-service/src/main/resources/openapi/openapi.json %s%n"
                                + "  ./mvnw -pl sdk-java,e2e-tests -am verify%n(see docs/sdk.md).",
                        CHECKED_IN_COPY, differences, CHECKED_IN_COPY)
                .isEmpty();
        assertThat(live.path("openapi").asText()).startsWith("3.1");
    }

    @Test
    void theReadmeExampleCreatesARecordAndWaitsForItsJob() throws Exception {
        String token = Files.readString(data.resolve("demo-token")).trim();
        Sdk demo = new Sdk(stack.apiUrl(), token);
        Await.until(() -> demo.domains.getDomain("example.test").getData().getStatus() == Domain.StatusEnum.ACTIVE);

        Job job = CreateRecordExample.createRecordAndWait(stack.apiUrl(), token, "example.test");

        assertThat(job.getStatus()).as(job.toString()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(job.getType()).isEqualTo("dns.record.create");
        assertThat(job.getFinishedAt()).isNotNull();
        List<DnsRecord> records = demo.dns
                .listDnsRecords("example.test", List.of("A"), "www", null, null)
                .getData()
                .getItems();
        assertThat(records)
                .singleElement()
                .satisfies(r -> assertThat(r.getContent()).isEqualTo("192.0.2.10"))
                .satisfies(r -> assertThat(r.getTtl()).isEqualTo(300));

        // A download through the SDK: the zone file (text/dns) as the API sends it, in a temporary file.
        File zoneFile = demo.dns.exportZoneFile("example.test");
        try {
            String zone = Files.readString(zoneFile.toPath());
            assertThat(zone).contains("$ORIGIN example.test.");
            assertThat(zone.lines().map(l -> l.replaceAll("\\s+", " ")))
                    .contains("www.example.test. 300 IN A 192.0.2.10");
        } finally {
            Files.deleteIfExists(zoneFile.toPath());
        }
    }

    @Test
    void statusesAndHeadersReachTheCallerThroughTheSdk() throws Exception {
        String token = Files.readString(data.resolve("demo-token")).trim();
        Sdk demo = new Sdk(stack.apiUrl(), token);
        Await.until(() -> demo.domains.getDomain("example.test").getData().getStatus() == Domain.StatusEnum.ACTIVE);

        // Idempotency-Key: the same key and body replay the first answer; another body with it is a 422.
        String key = UUID.randomUUID().toString();
        ApiResponse<JobEnvelope> first =
                demo.dns.createDnsRecordWithHttpInfo("example.test", record("192.0.2.20"), key, null);
        ApiResponse<JobEnvelope> again =
                demo.dns.createDnsRecordWithHttpInfo("example.test", record("192.0.2.20"), key, null);
        assertThat(first.getStatusCode()).isEqualTo(202);
        assertThat(again.getStatusCode()).isEqualTo(202);
        assertThat(Sdk.header(again, "Idempotent-Replayed")).isEqualTo("true");
        UUID job = first.getData().getData().getId();
        assertThat(again.getData().getData().getId()).isEqualTo(job);
        ApiException mismatch =
                Sdk.failure(() -> demo.dns.createDnsRecord("example.test", record("192.0.2.21"), key, null));
        assertThat(mismatch.getCode()).isEqualTo(422);
        assertThat(demo.error(mismatch).getStatus()).isEqualTo(422);

        // ETag and If-None-Match: an unchanged job is a 304, which the SDK reports as an ApiException.
        assertThat(Hostplane.awaitJob(demo.jobs, job, Duration.ofSeconds(60)).getStatus())
                .isEqualTo(JobStatus.SUCCEEDED);
        String etag = Sdk.header(demo.jobs.getJobWithHttpInfo(job, null, null, null), "ETag");
        assertThat(etag).isNotBlank();
        assertThat(Sdk.failure(() -> demo.jobs.getJob(job, null, null, etag)).getCode())
                .isEqualTo(304);

        // A token allowed two requests a minute: a 429 with Retry-After within a few calls (a window may roll
        // over once between two of them).
        Sdk limited = new Sdk(
                stack.apiUrl(),
                demo.tokens
                        .createToken(new TokenCreate()
                                .description("limited")
                                .scopes(List.of("dns.read"))
                                .rateLimit(new RateLimit().limit(2).periodSeconds(60)))
                        .getData()
                        .getToken());
        ApiException refused = null;
        for (int i = 0; i < 5 && refused == null; i++) {
            try {
                limited.dns.listDnsRecords("example.test", null, null, null, null);
            } catch (ApiException e) {
                refused = e;
            }
        }
        assertThat(refused).as("a refusal within 5 calls").isNotNull();
        assertThat(refused.getCode()).isEqualTo(429);
        assertThat(refused.getResponseHeaders().firstValue("Retry-After")).isPresent();
        assertThat(limited.error(refused).getStatus()).isEqualTo(429);
    }

    private static DnsRecordInput record(String address) {
        return new DnsRecordInput().name("idem").type(DnsRecordInput.TypeEnum.A).content(address);
    }

    /** JSON pointers where the two documents differ, at most 20 of them. */
    private static void diff(String at, JsonNode expected, JsonNode actual, List<String> out) {
        if (out.size() >= 20) {
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            for (Iterator<String> names = expected.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                String path = at + "/" + name.replace("~", "~0").replace("/", "~1");
                if (actual.has(name)) {
                    diff(path, expected.get(name), actual.get(name), out);
                } else {
                    out.add(path + " (only in the copy)");
                }
            }
            for (Iterator<String> names = actual.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!expected.has(name)) {
                    out.add(at + "/" + name.replace("~", "~0").replace("/", "~1") + " (only in the live document)");
                }
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                diff(at + "/" + i, expected.get(i), actual.get(i), out);
            }
        } else if (!expected.equals(actual)) {
            out.add(at.isEmpty() ? "/" : at);
        }
    }
}
