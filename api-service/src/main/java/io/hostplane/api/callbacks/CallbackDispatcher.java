package io.hostplane.api.callbacks;

import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.PollingLoop;
import io.hostplane.common.event.EventTypes;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers completion callbacks. Every replica runs one: it claims due deliveries with a lease
 * ({@code for update skip locked}, so no two replicas send the same attempt), POSTs the job, signed, and
 * records the attempt. A 2xx answer delivers; anything else (or no answer within the timeout) is retried
 * after {@code first-retry × 2^(attempt-1)} (at most {@code max-retry}) with ±20 % jitter, up to
 * {@code max-attempts}. Redirects are not followed. A replica that dies mid-delivery leaves a lease that
 * expires, and another replica sends the attempt again: receivers must accept a job twice (it carries its
 * id; the signature's timestamp differs).
 */
@Component
class CallbackDispatcher extends PollingLoop {

    private static final Logger log = LoggerFactory.getLogger(CallbackDispatcher.class);
    private static final int BATCH = 32;

    private final CallbackStore store;
    private final CallbackUrls urls;
    private final CallbackSigner signer;
    private final CallbackProperties properties;
    private final JobService jobs;
    private final JsonMapper json;
    private final WebClient client;

    CallbackDispatcher(
            CallbackStore store,
            CallbackUrls urls,
            CallbackSigner signer,
            CallbackProperties properties,
            JobService jobs,
            JsonMapper json) {
        super("callback-dispatcher", properties.pollInterval());
        this.store = store;
        this.urls = urls;
        this.signer = signer;
        this.properties = properties;
        this.jobs = jobs;
        this.json = json;
        HttpClient http = HttpClient.create()
                .followRedirect(false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        properties.timeout().toMillis())
                .responseTimeout(properties.timeout());
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .build();
    }

    /** Sends one batch of due deliveries; returns how many were attempted. */
    @Override
    protected int runOnce() {
        Duration lease = properties.timeout().multipliedBy(3);
        Integer sent = store.claimDue(BATCH, lease)
                .flatMap(this::deliver, 16)
                .count()
                .map(Long::intValue)
                .block(lease);
        return sent == null ? 0 : sent;
    }

    private Mono<Void> deliver(CallbackStore.Due due) {
        int attempt = due.attempts() + 1;
        long started = System.nanoTime();
        return urls.problem(due.url())
                .map(problem -> new Outcome(null, "refused: " + problem, true))
                .switchIfEmpty(Mono.defer(() -> post(due)))
                .onErrorResume(e -> Mono.just(new Outcome(null, describe(e), false)))
                .flatMap(outcome -> {
                    int ms = (int) ((System.nanoTime() - started) / 1_000_000);
                    boolean ok = outcome.status() != null && outcome.status() >= 200 && outcome.status() < 300;
                    String state = ok
                            ? "delivered"
                            : outcome.permanent() || attempt >= properties.maxAttempts() ? "failed" : "pending";
                    Instant next = state.equals("pending") ? Instant.now().plus(backoff(attempt)) : Instant.now();
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
                    .flatMap(signature -> client.post()
                            .uri(due.url())
                            .contentType(MediaType.APPLICATION_JSON)
                            .header("User-Agent", "Hostplane-Callbacks/1")
                            .header("Hostplane-Job-Id", job.id())
                            .header(CallbackSigner.HEADER, signature)
                            .bodyValue(bytes)
                            .exchangeToMono(response -> response.releaseBody()
                                    .thenReturn(new Outcome(
                                            response.statusCode().value(),
                                            response.statusCode().is2xxSuccessful()
                                                    ? null
                                                    : "HTTP "
                                                            + response.statusCode()
                                                                    .value(),
                                            false))));
        });
    }

    Duration backoff(int attempt) {
        long base = properties.firstRetry().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, properties.maxRetry().toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis((long) (capped * jitter));
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 300 ? message.substring(0, 300) : message;
    }
}
