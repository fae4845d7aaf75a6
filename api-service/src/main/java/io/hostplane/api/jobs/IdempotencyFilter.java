package io.hostplane.api.jobs;

import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.EnvelopeWriter;
import io.hostplane.api.system.Hmac;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.api.system.security.TokenProperties;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Idempotency-Key} on requests that create jobs (DESIGN.md): per tenant, for 24 hours. The first
 * request with a key claims it; its job binds the key in the job's own transaction. The same key with the
 * same method, path and body replays the answer (202, the same job, {@code Idempotent-Replayed: true});
 * with another request it is 422; while the first request is still being answered, 409. A request that
 * creates no job (refused, invalid) releases its key, so a corrected request may reuse it.
 */
@Component
@Order(20)
class IdempotencyFilter implements WebFilter {

    static final String HEADER = "Idempotency-Key";
    static final String CONTEXT_KEY = "hostplane.idempotency";
    private static final int MAX_BODY = 1024 * 1024;
    private static final List<PathPattern> JOB_ROUTES = Arrays.stream(new String[] {
                "/api/v1/domains",
                "/api/v1/domains/{domain}",
                "/api/v1/domains/{domain}/dns/**",
                "/api/v1/domains/{domain}/ssl",
                "/api/v1/backups",
                "/api/v1/backups/**",
                "/api/v1/websites",
                "/api/v1/websites/**",
                "/api/v1/audit/replays"
            })
            .map(PathPatternParser.defaultInstance::parse)
            .toList();

    /** The key a job being accepted must bind (read by {@link JobService} from the Reactor context). */
    record Binding(String tenant, String key) {}

    private final IdempotencyKeys keys;
    private final JobStore jobs;
    private final EnvelopeWriter writer;

    /** Keys the request fingerprint, so that a stored fingerprint says nothing about a body without it. */
    private final byte[] fingerprintKey;

    IdempotencyFilter(IdempotencyKeys keys, JobStore jobs, EnvelopeWriter writer, TokenProperties tokens) {
        this.fingerprintKey = Hmac.sha256(
                tokens.pepper().getBytes(StandardCharsets.UTF_8),
                "hostplane-idempotency-fingerprint".getBytes(StandardCharsets.UTF_8));
        this.keys = keys;
        this.jobs = jobs;
        this.writer = writer;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String key = exchange.getRequest().getHeaders().getFirst(HEADER);
        HttpMethod method = exchange.getRequest().getMethod();
        if (key == null || HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || !isJobRoute(exchange)) {
            return chain.filter(exchange);
        }
        if (key.isBlank() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return Mono.error(ApiException.badRequest(
                    "Idempotency-Key must be 1 to 255 printable ASCII characters.",
                    List.of(new FieldError(HEADER, ErrorCodes.INVALID, "1 to 255 printable ASCII characters."))));
        }
        // A Mono<Void> completes empty on success, so "no caller" must not be detected with switchIfEmpty:
        // that would run the chain a second time after the first answer.
        return exchange.getPrincipal()
                .ofType(BearerTokenAuthentication.class)
                .map(auth -> Optional.of((ApiPrincipal) auth.getPrincipal()))
                .defaultIfEmpty(Optional.empty())
                .flatMap(caller -> caller.isEmpty()
                        ? chain.filter(exchange)
                        : DataBufferUtils.join(exchange.getRequest().getBody(), MAX_BODY)
                                .map(IdempotencyFilter::bytes)
                                .defaultIfEmpty(new byte[0])
                                .flatMap(body -> handle(exchange, chain, caller.get(), key, body)));
    }

    private Mono<Void> handle(
            ServerWebExchange exchange, WebFilterChain chain, ApiPrincipal caller, String key, byte[] body) {
        String tenant = caller.tenant() == null ? "platform" : caller.tenant();
        byte[] hash = hash(exchange, body);
        ServerWebExchange replayable = exchange.mutate()
                .request(new ServerHttpRequestDecorator(exchange.getRequest()) {
                    @Override
                    public Flux<DataBuffer> getBody() {
                        return Flux.defer(() ->
                                Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
                    }
                })
                .build();
        return keys.claim(tenant, key, hash)
                .flatMap(claimed -> claimed
                        ? run(replayable, chain, tenant, key)
                        : keys.find(tenant, key)
                                .map(Optional::of)
                                .defaultIfEmpty(Optional.empty())
                                .flatMap(found -> {
                                    if (found.isEmpty()) {
                                        // Released in between (its request was refused): claim it anew.
                                        return handle(exchange, chain, caller, key, body);
                                    }
                                    IdempotencyKeys.Claim existing = found.get();
                                    if (!MessageDigest.isEqual(existing.requestHash(), hash)) {
                                        return Mono.error(new ApiException(
                                                HttpStatus.UNPROCESSABLE_ENTITY,
                                                "Idempotency-Key " + key + " was used with a different request.",
                                                List.of(),
                                                null));
                                    }
                                    if (existing.jobId() != null) {
                                        return replay(exchange, existing.jobId());
                                    }
                                    if (existing.abandoned()) {
                                        return keys.takeOver(tenant, key, hash)
                                                .flatMap(took -> took
                                                        ? run(replayable, chain, tenant, key)
                                                        : Mono.error(inProgress(key)));
                                    }
                                    return Mono.error(inProgress(key));
                                }));
    }

    private Mono<Void> run(ServerWebExchange exchange, WebFilterChain chain, String tenant, String key) {
        Mono<Void> releaseUnlessJob = Mono.defer(() ->
                exchange.getAttribute(RequestIds.JOB_ATTRIBUTE) == null ? keys.release(tenant, key) : Mono.empty());
        return chain.filter(exchange)
                .contextWrite(ctx -> ctx.put(CONTEXT_KEY, new Binding(tenant, key)))
                .then(releaseUnlessJob)
                .onErrorResume(e -> releaseUnlessJob.then(Mono.error(e)));
    }

    private Mono<Void> replay(ServerWebExchange exchange, UUID jobId) {
        return jobs.find(jobId).flatMap(job -> {
            RequestIds.jobCreated(exchange, job.id());
            exchange.getResponse().getHeaders().setLocation(URI.create("/api/v1/jobs/" + job.id()));
            exchange.getResponse().getHeaders().set("Idempotent-Replayed", "true");
            return writer.write(
                    exchange,
                    HttpStatus.ACCEPTED,
                    ApiEnvelope.ok("Job accepted.", job, List.of(), RequestIds.of(exchange)));
        });
    }

    private static ApiException inProgress(String key) {
        return new ApiException(
                HttpStatus.CONFLICT,
                "A request with Idempotency-Key " + key + " is still being answered; retry shortly.",
                List.of(),
                null);
    }

    private static boolean isJobRoute(ServerWebExchange exchange) {
        var path = exchange.getRequest().getPath().pathWithinApplication();
        return JOB_ROUTES.stream().anyMatch(p -> p.matches(path));
    }

    /**
     * The request's fingerprint: HMAC-SHA-256 under a key derived from the pepper over method, path and body.
     * Keyed, because a body may hold a secret (the private key of {@code PUT …/ssl}): an unkeyed hash of it in
     * the database would let anyone holding a guess confirm it.
     */
    private byte[] hash(ServerWebExchange exchange, byte[] body) {
        byte[] method = exchange.getRequest().getMethod().name().getBytes(StandardCharsets.US_ASCII);
        byte[] path = exchange.getRequest().getPath().value().getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[method.length + 1 + path.length + 1 + body.length];
        System.arraycopy(method, 0, message, 0, method.length);
        System.arraycopy(path, 0, message, method.length + 1, path.length);
        System.arraycopy(body, 0, message, method.length + 1 + path.length + 1, body.length);
        return Hmac.sha256(fingerprintKey, message);
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
