package io.hostplane.api.webhooks;

import io.hostplane.api.callbacks.CallbackSender;
import io.hostplane.api.callbacks.CallbackUrls;
import io.hostplane.api.callbacks.OutboundHttp;
import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.PollingLoop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one dispatcher of outgoing HTTP deliveries, run by every replica: completion callbacks ({@link
 * CallbackSender}) and webhook deliveries. Each round claims due deliveries with a lease, so no two replicas send the
 * same attempt, and starts them without waiting for earlier ones: at most {@value #IN_FLIGHT} are in flight on a
 * replica and at most {@value #PER_WEBHOOK} per subscription across replicas, so a receiver that answers slowly (up
 * to {@code hostplane.callbacks.timeout}) or endlessly holds its own slots and never the others'.
 *
 * <p>A webhook delivery is {@code POST}ed with {@code Hostplane-Event-Id}, {@code Hostplane-Event-Type}, {@code
 * Hostplane-Delivery-Id} and {@code Hostplane-Signature}; a 2xx answer delivers it. Anything else is retried with
 * backoff and jitter up to {@code hostplane.webhooks.max-attempts}; every attempt is recorded with its status,
 * duration, answer code and the answer's first {@value #EXCERPT_BYTES} bytes. A subscription failing for {@code
 * hostplane.webhooks.disable-after} is disabled, with an audit fact.
 */
@Component
class DeliveryDispatcher extends PollingLoop {

    private static final Logger log = LoggerFactory.getLogger(DeliveryDispatcher.class);

    static final int IN_FLIGHT = 64;
    static final int PER_WEBHOOK = 4;
    static final int EXCERPT_BYTES = 1024;

    private final CallbackSender callbacks;
    private final WebhookStore store;
    private final WebhookSecrets secrets;
    private final WebhookProperties properties;
    private final CallbackUrls urls;
    private final OutboundHttp http;
    private final JobService jobs;
    private final TransactionalOperator tx;
    private final WebhookAudit audit;
    private final JsonMapper json;
    private final AtomicInteger inFlight = new AtomicInteger();

    DeliveryDispatcher(
            CallbackSender callbacks,
            WebhookStore store,
            WebhookSecrets secrets,
            WebhookProperties properties,
            CallbackUrls urls,
            OutboundHttp http,
            JobService jobs,
            TransactionalOperator tx,
            WebhookAudit audit,
            JsonMapper json,
            io.hostplane.api.callbacks.CallbackProperties callbackProperties) {
        super("delivery-dispatcher", callbackProperties.pollInterval());
        this.callbacks = callbacks;
        this.store = store;
        this.secrets = secrets;
        this.properties = properties;
        this.urls = urls;
        this.http = http;
        this.jobs = jobs;
        this.tx = tx;
        this.audit = audit;
        this.json = json;
    }

    /** Claims what is due, as far as there are free slots, and starts it; returns how many were started. */
    @Override
    protected int runOnce() {
        int free = IN_FLIGHT - inFlight.get();
        if (free <= 0) {
            return 0;
        }
        Duration lease = http.timeout().multipliedBy(3);
        int forCallbacks = Math.max(1, free / 2);
        List<Mono<Void>> claimed = new ArrayList<>();
        // Both claims in one transaction: one commit per round, as when only callbacks were sent.
        List<Mono<Void>> due = tx.transactional(Flux.concat(
                                callbacks.claimDue(forCallbacks),
                                Flux.defer(() -> store.claimDue(Math.max(1, free - forCallbacks), PER_WEBHOOK, lease)
                                        .map(this::deliver)))
                        .collectList())
                .block(Duration.ofSeconds(30));
        if (due != null) {
            claimed.addAll(due);
        }
        for (Mono<Void> delivery : claimed) {
            inFlight.incrementAndGet();
            delivery.doFinally(signal -> {
                        inFlight.decrementAndGet();
                        wake();
                    })
                    .subscribe(x -> {}, e -> log.warn("a delivery failed unexpectedly: {}", e.toString()));
        }
        return claimed.size();
    }

    private Mono<Void> deliver(WebhookStore.Due due) {
        int attempt = due.attempts() + 1;
        long started = System.nanoTime();
        return urls.problem(due.url())
                .map(problem -> new OutboundHttp.Answer(null, null, "refused: " + problem))
                .switchIfEmpty(Mono.defer(() -> post(due)))
                .flatMap(answer -> {
                    int ms = (int) ((System.nanoTime() - started) / 1_000_000);
                    String state = answer.delivered()
                            ? "delivered"
                            : attempt >= properties.maxAttempts() ? "failed" : "pending";
                    Instant next = state.equals("pending")
                            ? Instant.now()
                                    .plus(CallbackSender.backoff(
                                            attempt, properties.firstRetry(), properties.maxRetry()))
                            : Instant.now();
                    String reason = "Every delivery failed for " + human(properties.disableAfter()) + "; the last: "
                            + (answer.error() == null ? "no error" : answer.error());
                    return tx.transactional(store.recordAttempt(
                                            due, attempt, answer, ms, state, next, properties.disableAfter(), reason)
                                    .flatMap(disabled -> disabled ? disabled(due, reason) : Mono.<Void>empty()))
                            .doOnSuccess(x -> audit.wake());
                })
                .onErrorResume(e -> {
                    log.warn("could not record webhook attempt of delivery {}: {}", due.deliveryId(), e.toString());
                    return Mono.empty();
                });
    }

    private Mono<OutboundHttp.Answer> post(WebhookStore.Due due) {
        return payload(due).flatMap(body -> {
            byte[] bytes = json.writeValueAsBytes(body);
            long now = Instant.now().getEpochSecond();
            return secrets.signature(due.webhookId(), now, bytes).flatMap(signature -> {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("User-Agent", "Hostplane-Webhooks/1");
                headers.put("Hostplane-Event-Id", due.eventId().toString());
                headers.put("Hostplane-Event-Type", due.eventType());
                headers.put("Hostplane-Delivery-Id", due.deliveryId().toString());
                headers.put("Hostplane-Signature", signature);
                return http.post(due.url(), headers, bytes, EXCERPT_BYTES);
            });
        });
    }

    /**
     * What a delivery carries: {@code id} (the event's, as {@code Hostplane-Event-Id}), {@code type}, {@code
     * created_at}, {@code tenant} and {@code data}: the job for job events (it is terminal and no longer changes),
     * else the data stored with the event. Ids and states only, never a secret or a subscription's URL.
     */
    private Mono<Map<String, Object>> payload(WebhookStore.Due due) {
        Mono<Object> data = due.jobId() != null
                ? jobs.find(due.jobId()).map(job -> (Object) Map.of("job", job))
                : Mono.just(due.data() == null ? Map.of() : json.readValue(due.data(), JsonNode.class));
        return data.map(d -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", due.eventId().toString());
            body.put("type", due.eventType());
            body.put("created_at", due.eventCreatedAt());
            body.put("tenant", due.tenant());
            body.put("data", d);
            return body;
        });
    }

    static String human(Duration d) {
        if (d.toHours() >= 1 && d.toMinutesPart() == 0 && d.toSecondsPart() == 0) {
            return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
        }
        return d.toSeconds() + (d.toSeconds() == 1 ? " second" : " seconds");
    }

    /** The audit fact of a subscription the platform disabled: its id, events and the reason, never its URL. */
    private Mono<Void> disabled(WebhookStore.Due due, String reason) {
        return store.find(due.webhookId()).flatMap(w -> audit.changed(w, "disabled", reason, null, null));
    }
}
