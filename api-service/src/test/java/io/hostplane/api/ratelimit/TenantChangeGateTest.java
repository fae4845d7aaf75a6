package io.hostplane.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.system.security.ApiPrincipal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Turns per tenant, without a server: who reaches the handlers, in which order, and that no turn is lost. */
@Tag("fast")
class TenantChangeGateTest {

    private final TenantChangeGate gate = new TenantChangeGate(2, new SimpleMeterRegistry());

    /** The requests that reached the handlers, each with the signal that ends its handling. */
    private final List<String> reached = new ArrayList<>();

    private final List<Sinks.Empty<Void>> handling = new ArrayList<>();

    @Test
    void aTenantsChangesBeyondItsTurnsWaitInOrderWhileOtherTenantsAndReadsGoOn() {
        send("a1", "t_a", "POST");
        send("a2", "t_a", "PUT");
        send("a3", "t_a", "DELETE");
        send("a4", "t_a", "PATCH");
        send("b1", "t_b", "POST");
        send("a-read", "t_a", "GET");
        send("operator", null, "POST");
        assertThat(reached).containsExactly("a1", "a2", "b1", "a-read", "operator");

        finish("a1");
        assertThat(reached).endsWith("a3");
        finish("a2");
        assertThat(reached).endsWith("a4");
    }

    @Test
    void aWaitingChangeWhoseClientLeavesGivesUpItsPlaceAndNoTurnIsLost() {
        send("a1", "t_a", "POST");
        send("a2", "t_a", "POST");
        Disposable gone = send("a3", "t_a", "POST");
        send("a4", "t_a", "POST");
        gone.dispose();

        finish("a1");
        assertThat(reached).containsExactly("a1", "a2", "a4");
        finish("a2");
        finish("a4");
        // Every turn came back: two new changes go straight through.
        send("a5", "t_a", "POST");
        send("a6", "t_a", "POST");
        assertThat(reached).endsWith("a5", "a6");
    }

    @Test
    void turnsAreNeitherLostNorDoubledWhileClientsLeaveAsTurnsPassOn() throws Exception {
        // Four threads send 2000 changes of one tenant; a third of the clients leave at a random moment (while
        // waiting, as their turn is handed over, or while handled). No more than two are ever handled at once, and
        // afterwards both turns are free again.
        AtomicInteger atWork = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch over = new CountDownLatch(2000);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 2000; i++) {
                clients.execute(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    Disposable change = Mono.from(gate.filter(
                                    exchange("t_a", "POST"),
                                    e -> Mono.defer(() -> {
                                        most.accumulateAndGet(atWork.incrementAndGet(), Math::max);
                                        AtomicBoolean ended = new AtomicBoolean();
                                        Runnable end = () -> {
                                            if (ended.compareAndSet(false, true)) {
                                                atWork.decrementAndGet();
                                            }
                                        };
                                        return Mono.delay(Duration.ofNanos(random.nextLong(200_000)))
                                                .then()
                                                // Before the end reaches the gate (doFinally would run after it).
                                                .doOnTerminate(end)
                                                .doOnCancel(end);
                                    })))
                            .doFinally(signal -> over.countDown())
                            .subscribe();
                    if (random.nextInt(3) == 0) {
                        LockSupport.parkNanos(random.nextLong(300_000));
                        change.dispose();
                    }
                });
            }
            assertThat(over.await(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            clients.shutdownNow();
        }
        assertThat(most.get()).isEqualTo(2);
        assertThat(atWork.get()).isZero();
        send("after1", "t_a", "POST");
        send("after2", "t_a", "POST");
        send("after3", "t_a", "POST");
        assertThat(reached).containsExactly("after1", "after2");
    }

    private static ServerWebExchange exchange(String tenant, String method) {
        MockServerHttpRequest request = MockServerHttpRequest.method(
                        org.springframework.http.HttpMethod.valueOf(method), "/api/v1/domains")
                .build();
        ApiPrincipal principal = new ApiPrincipal(
                tenant, "tok_x", "x", List.of("*"), java.util.Set.of(), null, List.of(), null, null, List.of());
        OAuth2AccessToken token = new OAuth2AccessToken(
                OAuth2AccessToken.TokenType.BEARER,
                "secret",
                Instant.now(),
                Instant.now().plusSeconds(60));
        return MockServerWebExchange.from(request)
                .mutate()
                .principal(Mono.just(new BearerTokenAuthentication(principal, token, List.of())))
                .build();
    }

    private Disposable send(String name, String tenant, String method) {
        MockServerHttpRequest request = MockServerHttpRequest.method(
                        org.springframework.http.HttpMethod.valueOf(method), "/api/v1/domains")
                .build();
        ServerWebExchange exchange = MockServerWebExchange.from(request);
        if (tenant != null || "operator".equals(name)) {
            ApiPrincipal principal = new ApiPrincipal(
                    tenant,
                    "tok_" + name,
                    name,
                    List.of("*"),
                    java.util.Set.of(),
                    null,
                    List.of(),
                    null,
                    null,
                    List.of());
            OAuth2AccessToken token = new OAuth2AccessToken(
                    OAuth2AccessToken.TokenType.BEARER,
                    "secret",
                    Instant.now(),
                    Instant.now().plusSeconds(60));
            exchange = exchange.mutate()
                    .principal(Mono.just(new BearerTokenAuthentication(principal, token, List.of())))
                    .build();
        }
        return gate.filter(exchange, e -> {
                    Sinks.Empty<Void> done = Sinks.empty();
                    reached.add(name);
                    handling.add(done);
                    return done.asMono();
                })
                .subscribe();
    }

    private void finish(String name) {
        handling.get(reached.indexOf(name)).tryEmitEmpty();
    }
}
