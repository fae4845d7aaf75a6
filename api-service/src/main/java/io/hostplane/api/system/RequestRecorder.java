package io.hostplane.api.system;

import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.event.EventTypes;
import io.hostplane.common.event.RequestRecorded;
import io.hostplane.common.topic.Topics;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;

/**
 * Writes a request record to {@code hostplane.audit} for every request once it is answered, whatever the
 * outcome (401, 403, 413 and 429 included): who, what, the route's template, the status, and the job it
 * created. Wraps everything but the request id, so it sees refusals by Spring Security too. A request that
 * creates a job keeps its record with the job instead, in the job's transaction ({@link
 * RequestContext#recordWithJob}), so that a crash right after the {@code 202} cannot lose it; the record then says
 * how long the request took until the job was stored. The path is
 * recorded without its query string and never with a body or a header other than the user agent, so no
 * secret reaches the audit log. Records go through a bounded buffer ({@link RequestRecordBuffer}); when
 * it is full, requests are refused with 503.
 *
 * <p>It also writes the request's access log line ({@code GET /api/v1/jobs/{id} 200 3 ms}), with the request's
 * ids and trace on it like every other line of the request; the path without its query string here too.
 * Actuator probes are logged at debug level only.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class RequestRecorder implements WebFilter {

    private final RequestRecordBuffer buffer;
    private final EventCodec codec;
    private static final Logger log = LoggerFactory.getLogger(RequestRecorder.class);

    private final Tracer tracer;

    RequestRecorder(RequestRecordBuffer buffer, EventCodec codec, ObjectProvider<Tracer> tracer) {
        this.buffer = buffer;
        this.codec = codec;
        this.tracer = tracer.getIfAvailable(() -> Tracer.NOOP);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long started = System.nanoTime();
        if (buffer.refusesRequests()) {
            return Mono.error(
                    ApiException.unavailable("The audit trail cannot take more records right now; retry later."));
        }
        RequestContext context = RequestContext.of(exchange);
        if (context != null) {
            // A request that creates a job keeps its record with the job, in the job's transaction.
            context.recordsWith(jobId -> {
                Recorded recorded = recorded(exchange, context, started, HttpStatus.ACCEPTED.value(), jobId);
                return new RequestContext.RequestRecordMessage(Topics.AUDIT, recorded.key(), recorded.payload());
            });
        }
        return chain.filter(exchange).doFinally(signal -> record(exchange, context, started));
    }

    private record Recorded(RequestRecorded data, String key, String payload) {}

    private void record(ServerWebExchange exchange, RequestContext context, long started) {
        var status = exchange.getResponse().getStatusCode();
        Recorded recorded = recorded(
                exchange,
                context,
                started,
                status == null ? 200 : status.value(),
                exchange.getAttribute(RequestIds.JOB_ATTRIBUTE));
        if (context == null || !context.isRecordKept()) {
            buffer.add(new ProducerRecord<>(Topics.AUDIT, recorded.key(), recorded.payload()));
        }
        logAccess(exchange, context, recorded.data());
    }

    private Recorded recorded(
            ServerWebExchange exchange, RequestContext context, long started, int status, String jobId) {
        ApiPrincipal caller = context == null ? null : context.caller();
        String requestId = RequestIds.of(exchange);
        PathPattern template = exchange.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        RequestRecorded data = new RequestRecorded(
                requestId,
                exchange.getRequest().getMethod().name(),
                exchange.getRequest().getPath().value(),
                template == null ? null : template.getPatternString(),
                status,
                caller == null ? null : caller.tokenId(),
                caller == null ? null : caller.principal(),
                ClientAddress.of(exchange).getHostAddress(),
                exchange.getRequest().getHeaders().getFirst(HttpHeaders.USER_AGENT),
                (System.nanoTime() - started) / 1_000_000,
                jobId);
        String tenant = caller == null ? null : caller.tenant();
        String key = caller == null ? "anonymous" : tenant == null ? "platform" : tenant;
        CloudEvent event = codec.event(
                ApiEvents.SOURCE, EventTypes.REQUEST_RECORDED, data.path(), tenant, requestId, jobId, null, data);
        return new Recorded(data, key, codec.write(event));
    }

    private void logAccess(ServerWebExchange exchange, RequestContext context, RequestRecorded data) {
        boolean probe = data.path().startsWith("/actuator/");
        if (probe ? !log.isDebugEnabled() : !log.isInfoEnabled()) {
            return;
        }
        Span span = ServerSpans.of(exchange);
        try (RequestLogContext.Scope ids = RequestLogContext.open(context);
                Tracer.SpanInScope traced = tracer.withSpan(span)) {
            String message = "{} {} {} {} ms";
            Object[] args = {data.method(), data.path(), data.status(), data.durationMs()};
            if (probe) {
                log.debug(message, args);
            } else {
                log.info(message, args);
            }
        }
    }
}
