package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.tokens.TokenStore;
import io.hostplane.common.event.CloudEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Logs and traces of a request (docs/observability.md, "Logs and traces"): the caller's {@code traceparent} is
 * continued and reaches the command on Kafka; every log line of the request is JSON with the request id, the
 * tenant, the token id and the trace id, written on whichever thread (Netty's, R2DBC's); no line holds the token.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogsAndTracesApiTest extends ApiIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void theCallersTraceReachesTheCommandAndEveryLineOfTheRequestCarriesItsIds(CapturedOutput captured) {
        Output output = new Output(captured);
        TokenStore.IssuedToken issued = tokens.issue(
                        TokenStore.TokenSpec.simple(tenant, "tester", "test", List.of("*")))
                .block();
        String traceId = hex(16);
        String callerSpan = hex(8);
        Accepted accepted = createRecord(issued.token(), "00-" + traceId + "-" + callerSpan + "-01");

        CloudEvent command = codec.read(awaitCommand(accepted.jobId()).value());
        assertThat(command.traceparent())
                .as("the request's server span: the caller's trace, a span of its own")
                .matches("00-" + traceId + "-[0-9a-f]{16}-01")
                .doesNotContain(callerSpan);
        // The command names the token that asked for the job by its id, so the worker can log it.
        assertThat(command.tokenid()).isEqualTo(issued.id());
        assertThat(awaitCommand(accepted.jobId()).value()).doesNotContain(secretPart(issued.token()));

        List<JsonNode> lines =
                awaitLines(output, line -> line.path("message").asString().contains(accepted.jobId()), "job accepted");
        lines = awaitLines(output, about(accepted), "access line");
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        for (JsonNode line : lines) {
            assertThat(line.path("request_id").asString()).as(line.toString()).isEqualTo(accepted.requestId());
            assertThat(line.path("tenant").asString()).as(line.toString()).isEqualTo(tenant);
            assertThat(line.path("token_id").asString()).as(line.toString()).isEqualTo(issued.id());
            assertThat(line.path("trace_id").asString()).as(line.toString()).isEqualTo(traceId);
            assertThat(line.path("span_id").asString()).as(line.toString()).hasSize(16);
            assertThat(line.path("@timestamp").isMissingNode()).isFalse();
        }
        assertThat(lines)
                .anySatisfy(line -> assertThat(line.path("message").asString())
                        .isEqualTo("POST /api/v1/domains/" + zone + "/dns/records 202 "
                                + line.path("message").asString().replaceAll(".* (\\d+) ms$", "$1") + " ms"));
        assertThat(output.text()).doesNotContain(issued.token()).doesNotContain(secretPart(issued.token()));
    }

    @Test
    void withoutATraceparentTheRequestStartsATraceOfItsOwn(CapturedOutput captured) {
        Output output = new Output(captured);
        Accepted accepted = createRecord(allToken, null);

        CloudEvent command = codec.read(awaitCommand(accepted.jobId()).value());
        assertThat(command.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        String traceId = command.traceparent().substring(3, 35);
        List<JsonNode> lines = awaitLines(output, about(accepted), "access line");
        assertThat(lines)
                .allSatisfy(line -> assertThat(line.path("trace_id").asString()).isEqualTo(traceId));
    }

    @Test
    void aRefusedTokenLeavesItsRequestIdInTheLogButNeitherTokenNorTenant(CapturedOutput captured) {
        Output output = new Output(captured);
        String forged = allToken.substring(0, allToken.length() - 4) + "AAAA";
        EntityExchangeResult<byte[]> refused = http.get()
                .uri("/api/v1/system/hello")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + forged)
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .returnResult();
        String requestId = refused.getResponseHeaders().getFirst("X-Request-Id");

        List<JsonNode> lines = awaitLines(
                output, line -> requestId.equals(line.path("request_id").asString()), "the 401's access line");
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.has("tenant")).isFalse();
            assertThat(line.has("token_id")).isFalse();
        });
        assertThat(lines)
                .anySatisfy(line ->
                        assertThat(line.path("message").asString()).startsWith("GET /api/v1/system/hello 401 "));
        assertThat(output.text())
                .doesNotContain(forged)
                .doesNotContain(secretPart(forged))
                .doesNotContain(allToken)
                .doesNotContain(secretPart(allToken));
    }

    private record Accepted(String requestId, String jobId) {}

    private Accepted createRecord(String token, String traceparent) {
        var spec = http.post()
                .uri("/api/v1/domains/" + zone + "/dns/records")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON);
        if (traceparent != null) {
            spec.header("traceparent", traceparent);
        }
        EntityExchangeResult<JsonNode> result = spec.bodyValue(
                        "{\"name\":\"www\",\"type\":\"A\",\"ttl\":300,\"content\":\"192.0.2.7\"}")
                .exchange()
                .expectStatus()
                .isEqualTo(202)
                .expectBody(JsonNode.class)
                .returnResult();
        return new Accepted(
                result.getResponseHeaders().getFirst("X-Request-Id"),
                result.getResponseBody().path("data").path("id").asString());
    }

    /** The request's own lines: those about its job or its path, which every line of it must carry. */
    private Predicate<JsonNode> about(Accepted accepted) {
        return line -> {
            String message = line.path("message").asString();
            return message.contains(accepted.jobId())
                    || message.contains("/domains/" + zone + "/dns/records")
                    || accepted.requestId().equals(line.path("request_id").asString());
        };
    }

    /**
     * The JSON lines of the captured output that match, once one of them is an access line (written when the
     * response is complete, which the client may see a moment earlier). Every line printed must be JSON.
     */
    private static List<JsonNode> awaitLines(Output output, Predicate<JsonNode> match, String what) {
        try {
            return await(what + " in the log")
                    .atMost(Duration.ofSeconds(10))
                    .until(
                            () -> lines(output, match),
                            lines -> what.contains("access")
                                    ? lines.stream()
                                            .anyMatch(l ->
                                                    l.path("message").asString().matches("[A-Z]+ /.* \\d{3} \\d+ ms"))
                                    : !lines.isEmpty());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + what + " in the log:\n" + output.text(), e);
        }
    }

    /** The JSON lines of the captured output that match; every line printed must be JSON. */
    private static List<JsonNode> lines(Output output, Predicate<JsonNode> match) {
        List<JsonNode> lines = new ArrayList<>();
        for (String text : output.text().split("\n")) {
            if (text.isBlank()) {
                continue;
            }
            assertThat(text).as("every log line is JSON").startsWith("{");
            JsonNode line = JSON.readTree(text);
            if (match.test(line)) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** What the services printed since the test began (before the context started, logging was not yet set up). */
    private record Output(CapturedOutput captured, int mark) {

        Output(CapturedOutput captured) {
            this(captured, captured.getOut().length());
        }

        String text() {
            return captured.getOut().substring(mark);
        }
    }

    /** The random part of a token (after its {@code hp_} prefix and id), which alone would be a leak. */
    private static String secretPart(String token) {
        return token.substring(token.length() - 24);
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
