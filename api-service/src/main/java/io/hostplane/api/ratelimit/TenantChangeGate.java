package io.hostplane.api.ratelimit;

import io.hostplane.api.limits.LimitsProperties;
import io.hostplane.api.system.security.ApiPrincipal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * At most {@code hostplane.limits.tenant-concurrent-changes} (8) changes (POST, PUT, PATCH, DELETE) of one tenant
 * are handled at once on this replica; the tenant's further changes wait their turn, in arrival order, before any
 * work is done for them. A tenant that floods the API with changes over many connections then shares the machine
 * with other tenants instead of filling every queue in front of them: another tenant's change waits behind at most
 * that many of the flood's, not behind all of them (docs/jobs.md, "Fairness"). Reads are not gated: a long poll
 * ({@code ?wait=}) or an export may take minutes and must not hold a change's turn. The operator's token has no
 * tenant and is not gated. Runs after the rate limits, so a refused request never waits.
 */
@Component
@Order(11)
class TenantChangeGate implements WebFilter {

    private static final Set<HttpMethod> CHANGES =
            Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

    /** One tenant's turns: how many changes are at work, and who waits. */
    private static final class Turns {
        int atWork;
        final ArrayDeque<MonoSink<Turns>> waiting = new ArrayDeque<>();
    }

    private final int perTenant;
    private final ConcurrentHashMap<String, Turns> tenants = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    @Autowired
    TenantChangeGate(LimitsProperties limits, MeterRegistry meters) {
        this(limits.tenantConcurrentChanges(), meters);
    }

    TenantChangeGate(int perTenant, MeterRegistry meters) {
        if (perTenant < 1) {
            throw new IllegalArgumentException("hostplane.limits.tenant-concurrent-changes must be at least 1");
        }
        this.perTenant = perTenant;
        Gauge.builder("hostplane.ratelimit.changes.waiting", waiting, AtomicInteger::get)
                .description("Changes waiting for their tenant's turn (hostplane.limits.tenant-concurrent-changes)")
                .register(meters);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!CHANGES.contains(exchange.getRequest().getMethod())) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .ofType(BearerTokenAuthentication.class)
                .flatMap(auth -> Mono.justOrEmpty(((ApiPrincipal) auth.getPrincipal()).tenant()))
                .flatMap(tenant -> Mono.usingWhen(
                                turn(tenant),
                                turns -> chain.filter(exchange),
                                turns -> Mono.fromRunnable(() -> done(tenant, turns)))
                        .thenReturn(Boolean.TRUE))
                .switchIfEmpty(Mono.defer(() -> chain.filter(exchange).thenReturn(Boolean.TRUE)))
                .then();
    }

    /** The tenant's turn: at once while fewer than the limit are at work, else when one of them is done. */
    private Mono<Turns> turn(String tenant) {
        return Mono.create(sink -> {
            Turns turns = tenants.computeIfAbsent(tenant, t -> new Turns());
            boolean now;
            synchronized (turns) {
                now = turns.atWork < perTenant;
                if (now) {
                    turns.atWork++;
                } else {
                    turns.waiting.addLast(sink);
                    waiting.incrementAndGet();
                }
            }
            if (now) {
                sink.success(turns);
            } else {
                sink.onCancel(() -> {
                    synchronized (turns) {
                        if (turns.waiting.remove(sink)) {
                            waiting.decrementAndGet();
                        }
                    }
                });
            }
        });
    }

    /** A change is done: the longest waiting change of the tenant takes its turn. */
    private void done(String tenant, Turns turns) {
        MonoSink<Turns> next;
        synchronized (turns) {
            next = turns.waiting.pollFirst();
            if (next == null) {
                turns.atWork--;
                if (turns.atWork == 0) {
                    tenants.remove(tenant, turns);
                }
            } else {
                waiting.decrementAndGet();
            }
        }
        if (next != null) {
            next.success(turns);
        }
    }
}
