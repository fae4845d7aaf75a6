package io.hostplane.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostplane.embedded.FreePorts;
import io.hostplane.local.DevStack;
import io.hostplane.sdk.Hostplane;
import io.hostplane.sdk.invoker.ApiResponse;
import io.hostplane.sdk.model.AccountCreate;
import io.hostplane.sdk.model.AccountEnvelope;
import io.hostplane.sdk.model.AuditEvent;
import io.hostplane.sdk.model.AuditEventPage;
import io.hostplane.sdk.model.DnsBatch;
import io.hostplane.sdk.model.DnsChange;
import io.hostplane.sdk.model.DnsRecord;
import io.hostplane.sdk.model.DnsRecordInput;
import io.hostplane.sdk.model.DnsRecordPage;
import io.hostplane.sdk.model.Domain;
import io.hostplane.sdk.model.Job;
import io.hostplane.sdk.model.JobEnvelope;
import io.hostplane.sdk.model.JobStatus;
import io.hostplane.sdk.model.Me;
import io.hostplane.sdk.model.MeEnvelope;
import io.hostplane.sdk.model.TokenCreate;
import io.hostplane.sdk.model.TokenEnvelope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole platform as {@code ./hostplane dev} starts it (real Kafka, real PostgreSQL, the three services),
 * driven only through the public HTTP API, with the generated SDK and the demo token that the first start
 * wrote.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static Path dataDir;
    private static DevStack stack;
    private static Sdk demo;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Path.of("target", "e2e-" + UUID.randomUUID()).toAbsolutePath();
        stack = new DevStack(DevStack.randomPorts(dataDir, FreePorts::next), Map.of()).start(Duration.ofSeconds(120));
        demo = Sdk.withTokenFile(stack.apiUrl(), dataDir, "demo-token");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void firstStartWritesPrivateTokenFilesAndTheDemoDomain() throws Exception {
        for (String file : List.of("demo-token", "admin-token")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(file))))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(dataDir.resolve(file)).trim())
                    .startsWith("hp_")
                    .hasSize(52);
        }
        Domain domain = await(
                () -> demo.domains.getDomain("example.test").getData(), d -> d.getStatus() == Domain.StatusEnum.ACTIVE);
        assertThat(domain.getName()).isEqualTo("example.test");
        ApiResponse<MeEnvelope> hello = demo.system.helloWithHttpInfo();
        assertThat(hello.getStatusCode()).isEqualTo(200);
        Me me = hello.getData().getData();
        assertThat(me.getScopes()).contains("dns.write").doesNotContain("platform.admin");
    }

    @Test
    @Order(2)
    void aRecordChangeTravelsApiKafkaWorkerAndAudit() throws Exception {
        ApiResponse<JobEnvelope> accepted = demo.dns.createDnsRecordWithHttpInfo(
                "example.test",
                new DnsRecordInput()
                        .name("www")
                        .type(DnsRecordInput.TypeEnum.A)
                        .ttl(300)
                        .content("192.0.2.10"),
                null,
                null);
        assertThat(accepted.getStatusCode()).isEqualTo(202);
        Job job = accepted.getData().getData();
        UUID jobId = job.getId();
        String requestId = Sdk.header(accepted, "X-Request-Id");
        assertThat(accepted.getData().getSuccess()).isEqualTo(JobEnvelope.SuccessEnum.TRUE);
        assertThat(accepted.getData().getRequestId()).isEqualTo(requestId);
        assertThat(Sdk.header(accepted, "Location")).isEqualTo("/api/v1/jobs/" + jobId);
        assertThat(job.getType()).isEqualTo("dns.record.create");
        assertThat(job.getStatus()).isEqualTo(JobStatus.QUEUED);

        Job done = awaitSucceeded(jobId);
        assertThat(done.getAttempts()).isEqualTo(1);
        assertThat(done.getFinishedAt()).isNotNull();

        DnsRecordPage records = demo.dns
                .listDnsRecords("example.test", List.of("A"), null, null, null)
                .getData();
        assertThat(records.getNextCursor()).isNull();
        List<String> contents = new ArrayList<>();
        records.getItems()
                .forEach(r -> contents.add(r.getName() + " " + r.getType() + " " + r.getTtl() + " " + r.getContent()));
        assertThat(contents).contains("www A 300 192.0.2.10");

        AuditEventPage byJob = await(
                () -> auditByJob(demo, jobId), page -> types(page).containsAll(SeparateProcessesTest.JOB_AUDIT_TRAIL));
        // Each exactly once (a running event only if the job took more than a second); the POST's request record
        // names the job it created too.
        assertThat(types(byJob)).doesNotHaveDuplicates().isSubsetOf(SeparateProcessesTest.WITH_RUNNING);

        AuditEventPage byRequest = await(
                () -> demo.audit
                        .listAuditEvents(null, null, null, null, null, null, null, requestId, null, null, null, null)
                        .getData(),
                page -> types(page).contains("io.hostplane.api.request.recorded.v1"));
        JsonNode record = null;
        for (AuditEvent item : byRequest.getItems()) {
            if (item.getType().equals("io.hostplane.api.request.recorded.v1")) {
                record = demo.tree(item.getData());
            }
        }
        assertThat(record).isNotNull();
        assertThat(record.path("method").asText()).isEqualTo("POST");
        assertThat(record.path("status").asInt()).isEqualTo(202);
        assertThat(record.path("job_id").asText()).isEqualTo(jobId.toString());
        assertThat(record.toString()).doesNotContain("hp_");
    }

    @Test
    @Order(3)
    void aBatchThenAReplaceAndADeleteReachTheRecordList() throws Exception {
        ApiResponse<JobEnvelope> batch = demo.dns.batchDnsRecordsWithHttpInfo(
                "example.test",
                new DnsBatch()
                        .addChangesItem(new DnsChange()
                                .op(DnsChange.OpEnum.CREATE)
                                .record(new DnsRecordInput()
                                        .name("mail")
                                        .type(DnsRecordInput.TypeEnum.MX)
                                        .priority(10)
                                        .content("mx1")))
                        .addChangesItem(new DnsChange()
                                .op(DnsChange.OpEnum.CREATE)
                                .record(new DnsRecordInput()
                                        .name("@")
                                        .type(DnsRecordInput.TypeEnum.TXT)
                                        .content("\"v=spf1 -all\""))),
                null,
                null);
        assertThat(batch.getStatusCode()).isEqualTo(202);
        awaitSucceeded(batch.getData().getData().getId());
        DnsRecord mx = demo.dns
                .listDnsRecords("example.test", List.of("MX"), null, null, null)
                .getData()
                .getItems()
                .get(0);
        assertThat(mx.getContent()).isEqualTo("mx1.example.test.");
        assertThat(mx.getPriority()).isEqualTo(10);

        UUID mxId = mx.getId();
        ApiResponse<JobEnvelope> replaced = demo.dns.replaceDnsRecordWithHttpInfo(
                "example.test",
                mxId,
                new DnsRecordInput()
                        .name("mail")
                        .type(DnsRecordInput.TypeEnum.MX)
                        .priority(20)
                        .content("mx2"),
                null,
                null);
        assertThat(replaced.getStatusCode()).isEqualTo(202);
        awaitSucceeded(replaced.getData().getData().getId());
        assertThat(demo.dns.getDnsRecord("example.test", mxId).getData().getContent())
                .isEqualTo("mx2.example.test.");

        ApiResponse<JobEnvelope> deleted = demo.dns.deleteDnsRecordWithHttpInfo("example.test", mxId, null, null);
        assertThat(deleted.getStatusCode()).isEqualTo(202);
        awaitSucceeded(deleted.getData().getData().getId());
        assertThat(Sdk.failure(() -> demo.dns.getDnsRecord("example.test", mxId))
                        .getCode())
                .isEqualTo(404);
        assertThat(demo.dns
                        .listDnsRecords("example.test", List.of("TXT"), null, null, null)
                        .getData()
                        .getItems())
                .hasSize(1);
    }

    @Test
    @Order(4)
    void anotherTenantMadeByTheOperatorSeesNoneOfDemosAuditOrJobs() throws Exception {
        Sdk operator = Sdk.withTokenFile(stack.apiUrl(), dataDir, "admin-token");
        ApiResponse<AccountEnvelope> account = operator.accounts.createAccountWithHttpInfo(
                new AccountCreate().name("other-" + UUID.randomUUID().toString().substring(0, 8)));
        assertThat(account.getStatusCode()).isEqualTo(201);
        String otherTenant = account.getData().getData().getId();
        ApiResponse<TokenEnvelope> issued = operator.tokens.createTokenWithHttpInfo(
                new TokenCreate().scopes(List.of("*")).tenant(otherTenant));
        assertThat(issued.getStatusCode()).isEqualTo(201);
        Sdk other = new Sdk(stack.apiUrl(), issued.getData().getData().getToken());

        UUID demoJob = demo.jobs
                .listJobs(null, null, null, null, null, null, 1, null)
                .getData()
                .getItems()
                .get(0)
                .getId();
        assertThat(auditByJob(other, demoJob).getItems()).isEmpty();
        assertThat(Sdk.failure(() -> other.jobs.getJob(demoJob, null, null, null))
                        .getCode())
                .isEqualTo(404);
        assertThat(Sdk.failure(() -> other.dns.listDnsRecords("example.test", null, null, null, null))
                        .getCode())
                .isEqualTo(404);
        assertThat(other.jobs
                        .listJobs(null, null, null, null, null, null, null, null)
                        .getData()
                        .getItems())
                .isEmpty();
        // The operator sees across tenants.
        assertThat(types(auditByJob(operator, demoJob))).isNotEmpty();
    }

    @Test
    @Order(5)
    void aRestartKeepsJobsTokensAndAudit() throws Exception {
        List<Job> before = demo.jobs
                .listJobs(null, null, null, null, null, null, 200, null)
                .getData()
                .getItems();
        assertThat(before.size()).isGreaterThanOrEqualTo(2);
        UUID someJob = before.get(0).getId();
        stack.close();
        stack = new DevStack(stack.settings(), Map.of()).start(Duration.ofSeconds(120));

        ApiResponse<JobEnvelope> job = demo.jobs.getJobWithHttpInfo(someJob, null, null, null);
        assertThat(job.getStatusCode()).isEqualTo(200);
        assertThat(job.getData().getData().getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(demo.jobs
                        .listJobs(null, null, null, null, null, null, 200, null)
                        .getData()
                        .getItems())
                .hasSize(before.size());
        assertThat(types(auditByJob(demo, someJob))).contains("io.hostplane.job.succeeded.v1");
    }

    private static AuditEventPage auditByJob(Sdk sdk, UUID job) throws Exception {
        return sdk.audit
                .listAuditEvents(null, null, null, null, null, null, job.toString(), null, null, null, null, null)
                .getData();
    }

    private static List<String> types(AuditEventPage page) {
        return page.getItems().stream().map(AuditEvent::getType).toList();
    }

    /** Long-polls the job through the SDK until it is terminal; it must have succeeded. */
    private static Job awaitSucceeded(UUID job) throws Exception {
        Job last = Hostplane.awaitJob(demo.jobs, job, WAIT);
        assertThat(last.getStatus()).as("job %s: %s", job, last).isEqualTo(JobStatus.SUCCEEDED);
        return last;
    }

    private static <T> T await(Callable<T> call, Predicate<T> done) {
        return Await.until("condition", WAIT, call, done);
    }
}
