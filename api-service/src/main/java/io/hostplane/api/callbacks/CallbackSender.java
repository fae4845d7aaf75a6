package io.hostplane.api.callbacks;

import io.hostplane.api.jobs.JobService;
import io.hostplane.common.event.EventTypes;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends completion callbacks, driven by the one delivery dispatcher every replica runs (the webhooks feature's):
 * it claims due deliveries with a lease ({@code for update skip locked}, so no two replicas send the same
 * attempt), POSTs the job, signed, and records the attempt. A 2xx answer delivers; anything else (or no answer
 * within the timeout) is retried after {@code first-retry × 2^(attempt-1)} (at most {@code max-retry}) with ±20 %
 * jitter, up to {@code max-attempts}. Redirects are not followed. A replica that dies mid-delivery leaves a lease
 * that expires, and another replica sends the attempt again: receivers must accept a job twice (it carries its
 * id; the signature's timestamp differs).
 */
@Component
public class CallbackSender {

    private static final Logger log = LoggerFactory.getLogger(CallbackSender.class);

    private final CallbackStore store;
    private final CallbackUrls urls;
    private final CallbackSigner signer;
    private final CallbackProperties properties;
    private final OutboundHttp http;
    private final JobService jobs;
    private final JsonMapper json;

    CallbackSender(
            CallbackStore store,
            CallbackUrls urls,
            CallbackSigner signer,
            CallbackProperties properties,
            OutboundHttp http,
            JobService jobs,
            JsonMapper json) {
        this.store = store;
        this.urls = urls;
        this.signer = signer;
        this.properties = properties;
        this.http = http;
        this.jobs = jobs;
        this.json = json;
    }

    /** Claims up to {@code limit} due callbacks; each element sends one and records the attempt when subscribed. */
    public Flux<Mono<Void>> claimDue(int limit) {
        Duration lease = http.timeout().multipliedBy(3);
        return store.claimDue(limit, lease).map(this::deliver);
    }

    private Mono<Void> deliver(CallbackStore.Due due) {
        int attempt = due.attempts() + 1;
        long started = System.nanoTime();
        return urls.problem(due.url())
                .map(problem -> new Outcome(null, "refused: " + problem, true))
                .switchIfEmpty(Mono.defer(() -> post(due)))
                .onErrorResume(e -> Mono.just(new Outcome(null, OutboundHttp.describe(e, due.url()), false)))
                .flatMap(outcome -> {
                    int ms = (int) ((System.nanoTime() - started) / 1_000_000);
                    boolean ok = outcome.status() != null && outcome.status() >= 200 && outcome.status() < 300;
                    String state = ok
                            ? "delivered"
                            : outcome.permanent() || attempt >= properties.maxAttempts() ? "failed" : "pending";
                    Instant next = state.equals("pending")
                            ? Instant.now().plus(backoff(attempt, properties.firstRetry(), properties.maxRetry()))
                            : Instant.now();
                    return store.recordAttempt(
                            due.jobId(), attempt, outcome.status(), outcome.error(), ms, state, next);
                })
                .onErrorResume(e -> {
                    log.warn("could not record callback attempt for job {}: {}", due.jobId(), e.toString());
                    return Mono.empty();
                });
    }

    private record Outcome(Integer status, String error, boolean permanent) {}

    private Mono<Outcome> post(CallbackStore.Due due) {
        return jobs.find(due.jobId()).flatMap(job -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", EventTypes.job(job.status()));
            body.put("job", job);
            byte[] bytes = json.writeValueAsBytes(body);
            long now = Instant.now().getEpochSecond();
            return signer.signature(due.tenant(), now, bytes)
                    .flatMap(signature -> http.post(
                            due.url(),
                            Map.of(
                                    "User-Agent",
                                    "Hostplane-Callbacks/1",
                                    "Hostplane-Job-Id",
                                    job.id(),
                                    CallbackSigner.HEADER,
                                    signature),
                            bytes,
                            0))
                    .map(answer -> new Outcome(answer.status(), answer.error(), false));
        });
    }

    /** The wait after failed attempt {@code attempt}: {@code first × 2^(attempt-1)}, at most {@code max}, ±20 %. */
    public static Duration backoff(int attempt, Duration first, Duration max) {
        long base = first.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, max.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (capped * jitter));
    }
}
