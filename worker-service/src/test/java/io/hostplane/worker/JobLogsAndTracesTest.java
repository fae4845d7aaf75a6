package io.hostplane.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.common.dns.DnsRecord;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.CreateDnsRecord;
import io.hostplane.common.event.CreateZone;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobTypes;
import io.hostplane.embedded.TestInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Logs and traces of jobs (docs/observability.md, "Logs and traces"): the worker continues the trace of each
 * command's {@code traceparent} in a span of its own, its job events carry a {@code traceparent} of that trace,
 * and every line it writes about a job is JSON with that job's id, tenant, request id and trace id — per job,
 * also when one poll brings several jobs and when they are applied together.
 */
@DirtiesContext // one worker (one consumer of the commands) at a time
@SpringBootTest(
        classes = WorkerApplication.class,
        properties = WorkerApplication.CONFIG_NAME,
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ExtendWith(OutputCaptureExtension.class)
class JobLogsAndTracesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry);
    }

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    EventCodec codec;

    private WorkerJobs jobs;
    private String tenant;
    private String zone;

    @BeforeEach
    void setUp() {
        zone = "l" + UUID.randomUUID().toString().substring(0, 8) + ".test";
        tenant = "t_" + UUID.randomUUID().toString().substring(0, 8);
        jobs = new WorkerJobs(kafka, codec, tenant, zone);
    }

    @AfterEach
    void tearDown() {
        jobs.close();
    }

    @Test
    void eachJobContinuesItsCommandsTraceInItsEventsAndOnEveryLineAboutIt(CapturedOutput output) throws Exception {
        int mark = output.getOut().length();
        Map<String, String> traceOfJob = new LinkedHashMap<>();
        Map<String, String> spanOfCommand = new LinkedHashMap<>();
        List<CloudEvent> commands = new ArrayList<>();
        commands.add(command(JobTypes.DOMAIN_CREATE, new CreateZone(zone), traceOfJob, spanOfCommand));
        // Consecutive changes of one zone: one poll, likely applied together (JobGroupRunner) — each keeps its trace.
        for (int i = 0; i < 4; i++) {
            commands.add(command(
                    JobTypes.DNS_RECORD_CREATE,
                    new CreateDnsRecord(
                            zone, new DnsRecord(Ids.uuidV7().toString(), "h" + i, "A", 300, "192.0.2." + i, null)),
                    traceOfJob,
                    spanOfCommand));
        }
        for (CloudEvent command : commands) {
            jobs.send(command);
        }

        for (CloudEvent command : commands) {
            String job = command.jobid();
            List<CloudEvent> events = jobs.awaitTerminalEvents(job);
            assertThat(events).hasSize(1); // a quick job: its outcome only, no running
            for (CloudEvent event : events) {
                assertThat(event.traceparent())
                        .as("the job's span: the command's trace, a span of the worker's")
                        .matches("00-" + traceOfJob.get(job) + "-[0-9a-f]{16}-01")
                        .doesNotContain(spanOfCommand.get(job));
            }
        }

        List<JsonNode> lines = awaitJobLines(output, mark, traceOfJob.keySet());
        for (JsonNode line : lines) {
            String message = line.path("message").asString();
            String job = traceOfJob.keySet().stream()
                    .filter(message::contains)
                    .findFirst()
                    .orElseThrow();
            assertThat(line.path("job_id").asString()).as(line.toString()).isEqualTo(job);
            assertThat(line.path("tenant").asString()).as(line.toString()).isEqualTo(tenant);
            assertThat(line.path("request_id").asString()).as(line.toString()).isEqualTo("req-" + job);
            assertThat(line.path("token_id").asString()).as(line.toString()).isEqualTo("tok-" + job);
            assertThat(line.path("trace_id").asString()).as(line.toString()).isEqualTo(traceOfJob.get(job));
            assertThat(line.path("span_id").asString()).as(line.toString()).hasSize(16);
        }
    }

    @Test
    void aCommandWithoutTraceparentStartsATraceForItsJob(CapturedOutput output) throws Exception {
        int mark = output.getOut().length();
        String job = jobs.send(JobTypes.DOMAIN_CREATE, new CreateZone(zone));

        List<CloudEvent> events = jobs.awaitTerminalEvents(job);
        String traceparent = events.get(0).traceparent();
        assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        assertThat(events).allSatisfy(e -> assertThat(e.traceparent()).startsWith(traceparent.substring(0, 35)));
        List<JsonNode> lines = awaitJobLines(output, mark, List.of(job));
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.path("job_id").asString()).isEqualTo(job);
            assertThat(line.path("trace_id").asString()).isEqualTo(traceparent.substring(3, 35));
        });
    }

    private CloudEvent command(
            String type, Object data, Map<String, String> traceOfJob, Map<String, String> spanOfCommand) {
        String jobId = Ids.uuidV7().toString();
        String trace = hex(16);
        String span = hex(8);
        traceOfJob.put(jobId, trace);
        spanOfCommand.put(jobId, span);
        return codec.command(
                "/test",
                EventTypes.command(type),
                "domains/" + zone,
                tenant,
                "req-" + jobId,
                jobId,
                "00-" + trace + "-" + span + "-01",
                "tok-" + jobId,
                data);
    }

    /**
     * The lines printed since {@code mark} that name one of {@code jobIds}, once each job has its outcome line;
     * every line printed since {@code mark} must be JSON.
     */
    private static List<JsonNode> awaitJobLines(CapturedOutput output, int mark, Iterable<String> jobIds) {
        return await().atMost(Duration.ofSeconds(10))
                .alias("every job's outcome is in the log")
                .until(() -> jobLines(output.getOut().substring(mark), jobIds), lines -> {
                    boolean complete = true;
                    for (String job : jobIds) {
                        complete &= lines.stream()
                                .anyMatch(l -> l.path("message").asString().matches("job " + job + " succeeded.*"));
                    }
                    return complete;
                });
    }

    /** The lines of {@code printed} that name one of {@code jobIds}; each of them must be JSON. */
    private static List<JsonNode> jobLines(String printed, Iterable<String> jobIds) {
        List<JsonNode> lines = new ArrayList<>();
        for (String text : printed.split("\n")) {
            if (text.isBlank()) {
                continue;
            }
            assertThat(text).as("every log line is JSON").startsWith("{");
            JsonNode line = JSON.readTree(text);
            for (String job : jobIds) {
                if (line.path("message").asString().contains(job)) {
                    lines.add(line);
                    break;
                }
            }
        }
        return lines;
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
