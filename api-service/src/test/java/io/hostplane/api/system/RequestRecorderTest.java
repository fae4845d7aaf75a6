package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.event.EventCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.HttpStatus;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** A full record buffer refuses the request: raised as a 503 with {@code Retry-After}, for the handler to write. */
@Tag("fast")
class RequestRecorderTest {

    @Test
    void aFullBufferRaisesA503AndRunsNothing() {
        var producers = RequestRecordBufferTest.unreachableKafka();
        try {
            RequestRecordBuffer buffer = new RequestRecordBuffer(
                    new KafkaTemplate<>(producers), new SimpleMeterRegistry(), new RequestRecordProperties(1, true));
            buffer.add(new ProducerRecord<>("hostplane.audit", "k", "the one record it holds"));
            assertThat(buffer.refusesRequests()).isTrue();
            RequestRecorder recorder = new RequestRecorder(
                    buffer, new EventCodec(), new StaticListableBeanFactory().getBeanProvider(Tracer.class));
            MockServerWebExchange exchange =
                    MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/system/hello"));

            assertThatThrownBy(() -> recorder.filter(exchange, e -> Mono.error(new AssertionError("the chain ran")))
                            .block())
                    .isInstanceOfSatisfying(ApiException.class, refused -> {
                        assertThat(refused.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
                        assertThat(refused.headers()).containsEntry("Retry-After", "5");
                    });
            assertThat(exchange.getResponse().isCommitted()).isFalse();
        } finally {
            producers.destroy();
        }
    }
}
