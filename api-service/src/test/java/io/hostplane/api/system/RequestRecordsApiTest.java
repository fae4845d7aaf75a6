package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.KafkaPolls;
import io.hostplane.common.event.CloudEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/** Every request leaves a request record on {@code hostplane.audit}, refusals included. */
class RequestRecordsApiTest extends ApiIntegrationTest {

    @Test
    void refusedAndAcceptedRequestsAreAllRecordedWithoutSecrets() {
        String unauthorized = requestId(HttpMethod.GET, "/api/v1/system/hello", null, 401);
        String badToken = requestId(HttpMethod.GET, "/api/v1/system/hello", "hp_not-a-token", 401);
        String forbidden = requestId(
                HttpMethod.GET, "/api/v1/domains/" + zone + "/dns/records", token(tenant, "profile.read"), 403);
        String limitedToken = json(
                        HttpMethod.POST,
                        "/api/v1/tokens",
                        allToken,
                        "{\"scopes\":[\"profile.read\"],\"rate_limit\":{\"limit\":1,\"period_seconds\":60}}",
                        201)
                .path("data")
                .path("token")
                .asString();
        requestId(HttpMethod.GET, "/api/v1/system/hello", limitedToken, 200);
        String tooMany = requestId(HttpMethod.GET, "/api/v1/system/hello", limitedToken, 429);
        String ok = requestId(HttpMethod.GET, "/api/v1/domains/" + zone + "/dns/records", allToken, 200);

        Map<String, CloudEvent> records = await(Set.of(unauthorized, badToken, forbidden, tooMany, ok));
        assertThat(records.get(unauthorized).data().path("status").asInt()).isEqualTo(401);
        assertThat(records.get(unauthorized).data().has("token_id")).isFalse();
        assertThat(records.get(badToken).data().path("status").asInt()).isEqualTo(401);
        assertThat(records.get(forbidden).data().path("status").asInt()).isEqualTo(403);
        assertThat(records.get(forbidden).tenant()).isEqualTo(tenant);
        assertThat(records.get(tooMany).data().path("status").asInt()).isEqualTo(429);
        CloudEvent okRecord = records.get(ok);
        assertThat(okRecord.data().path("path_template").asString()).isEqualTo("/api/v1/domains/{domain}/dns/records");
        assertThat(okRecord.data().path("path").asString()).isEqualTo("/api/v1/domains/" + zone + "/dns/records");
        assertThat(okRecord.data().path("client_ip").asString()).isEqualTo("127.0.0.1");
        assertThat(okRecord.data().path("token_id").asString()).startsWith("tok_");
        for (CloudEvent record : records.values()) {
            assertThat(codec.write(record)).doesNotContain(allToken).doesNotContain(limitedToken);
        }
    }

    private String requestId(HttpMethod method, String path, String token, int status) {
        return exchange(method, path, token, null, status)
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Request-Id");
    }

    private Map<String, CloudEvent> await(Set<String> requestIds) {
        Map<String, CloudEvent> found = new HashMap<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                infra.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "records-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of("hostplane.audit"));
            KafkaPolls.until(
                    "request records of " + requestIds,
                    Duration.ofSeconds(30),
                    consumer,
                    r -> {
                        CloudEvent event = codec.read(r.value());
                        if (event.requestid() != null
                                && requestIds.contains(event.requestid())
                                && "io.hostplane.api.request.recorded.v1".equals(event.type())) {
                            found.put(event.requestid(), event);
                        }
                    },
                    () -> found.size() >= requestIds.size());
        }
        assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(requestIds);
        return found;
    }
}
