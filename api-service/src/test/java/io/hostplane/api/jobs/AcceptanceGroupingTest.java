package io.hostplane.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.KafkaPolls;
import io.hostplane.common.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Group commit of job acceptances: many concurrent acceptances share transactions, and each still gets
 * its own job row, its own command on Kafka and its own idempotency key, exactly once.
 */
class AcceptanceGroupingTest extends ApiIntegrationTest {

    private static final int JOBS = 40; // under the test tenant's active-job limit of 50
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void concurrentAcceptancesShareTransactionsAndEachKeepsItsJobCommandAndKey() throws Exception {
        WebClient client = WebClient.create("http://127.0.0.1:" + env.getProperty("local.server.port"));

        List<JsonNode> accepted = Flux.range(0, JOBS)
                .flatMap(
                        i -> client.post()
                                .uri("/api/v1/domains/" + zone + "/dns/records")
                                .header("Authorization", "Bearer " + allToken)
                                .header("Idempotency-Key", "group-" + i)
                                .contentType(MediaType.APPLICATION_JSON)
                                .bodyValue("{\"name\":\"g" + i + "\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2."
                                        + (i + 1) + "\"}")
                                .exchangeToMono(response -> {
                                    assertThat(response.statusCode().value()).isEqualTo(202);
                                    return response.bodyToMono(JsonNode.class);
                                }),
                        JOBS)
                .collectList()
                .block(Duration.ofSeconds(60));

        Set<String> jobIds = new HashSet<>();
        accepted.forEach(body -> jobIds.add(body.path("data").path("id").asString()));
        assertThat(jobIds).hasSize(JOBS);
        assertThat(count("select count(*) from api.jobs where tenant_id = '" + tenant + "' and status = 'queued'"))
                .isEqualTo(JOBS);
        assertThat(count("select count(*) from api.idempotency_keys where tenant_id = '" + tenant
                        + "' and job_id is not null"))
                .isEqualTo(JOBS);
        for (String id : jobIds) {
            assertThat(count("select count(*) from api.idempotency_keys where tenant_id = '" + tenant
                            + "' and job_id = '" + id + "'"))
                    .as("key bound to job %s", id)
                    .isEqualTo(1);
        }

        // Fewer transactions than jobs: the acceptances were grouped (rows of one transaction share xmin).
        int transactions = count("select count(distinct xmin::text) from api.jobs where tenant_id = '" + tenant + "'");
        assertThat(transactions).isGreaterThan(0).isLessThan(JOBS);

        assertThat(commandsOf(JOBS)).containsExactlyInAnyOrderElementsOf(jobIds);
    }

    /** The job ids of this tenant's commands on Kafka, read until {@code expected} are seen or 30 s pass. */
    private List<String> commandsOf(int expected) {
        List<String> ids = new ArrayList<>();
        try (var consumer = fromStart(Topics.COMMANDS)) {
            KafkaPolls.until(
                    expected + " commands of " + tenant,
                    Duration.ofSeconds(30),
                    consumer,
                    r -> {
                        if (r.key().startsWith(tenant + "/")) {
                            ids.add(JSON.readTree(r.value()).path("jobid").asString());
                        }
                    },
                    () -> ids.size() >= expected);
            // Half a second more, so that a command sent twice would show up as an extra element.
            consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                if (r.key().startsWith(tenant + "/")) {
                    ids.add("duplicate");
                }
            });
        }
        return ids;
    }
}
