package io.hostplane.api.system;

import io.hostplane.api.tokens.ApiPrincipal;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.RequestRecorded;
import io.hostplane.common.topic.Topics;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Writes a request record to {@code hostplane.audit} for every authenticated request once it is answered:
 * who, what, outcome, and the job it created. Runs after Spring Security, so it sees the caller. The path is
 * recorded without its query string and never with a body or a header, so no secret reaches the audit log.
 *
 * <p>The record is sent after the response, not in the job's transaction: a crash in between loses the
 * record of that request (not its command, which carries the same request id and token id).
 */
@Component
@Order(0)
class RequestRecorder implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(RequestRecorder.class);

    private final KafkaTemplate<String, String> kafka;
    private final EventCodec codec;

    RequestRecorder(KafkaTemplate<String, String> kafka, EventCodec codec) {
        this.kafka = kafka;
        this.codec = codec;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long started = System.nanoTime();
        // The caller must be read inside this chain: Spring Security keeps it in the Reactor context.
        return exchange.getPrincipal()
                .ofType(BearerTokenAuthentication.class)
                .map(auth -> Optional.of((ApiPrincipal) auth.getPrincipal()))
                .defaultIfEmpty(Optional.empty())
                .flatMap(caller -> chain.filter(exchange)
                        .doFinally(signal -> caller.ifPresent(c -> record(exchange, c, started))));
    }

    private void record(ServerWebExchange exchange, ApiPrincipal caller, long started) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        var status = exchange.getResponse().getStatusCode();
        String requestId = RequestIds.of(exchange);
        String jobId = exchange.getAttribute(RequestIds.JOB_ATTRIBUTE);
        RequestRecorded data = new RequestRecorded(
                requestId,
                exchange.getRequest().getMethod().name(),
                exchange.getRequest().getPath().value(),
                status == null ? 200 : status.value(),
                caller.tokenId(),
                caller.principal(),
                remote == null || remote.getAddress() == null
                        ? null
                        : remote.getAddress().getHostAddress(),
                (System.nanoTime() - started) / 1_000_000,
                jobId);
        String tenant = caller.tenant() == null ? "platform" : caller.tenant();
        CloudEvent event = codec.event(
                "/hostplane/api-service",
                EventTypes.REQUEST_RECORDED,
                data.path(),
                caller.tenant(),
                requestId,
                jobId,
                null,
                data);
        kafka.send(Topics.AUDIT, tenant, codec.write(event)).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("request record {} not written to the audit topic: {}", requestId, error.toString());
            }
        });
    }
}
