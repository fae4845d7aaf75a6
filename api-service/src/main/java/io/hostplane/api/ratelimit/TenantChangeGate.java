package io.hostplane.api.ratelimit;

import io.hostplane.api.limits.LimitsProperties;
import io.hostplane.api.system.security.ApiPrincipal;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /**
     * One tenant's turns: how many changes are at work, and who waits. Kept for as long as the replica runs (a few
     * dozen bytes per tenant that made a change here): removing an idle one could race with a change taking a turn
     * on it, which would then count on a record no longer in the map, and the tenant would get twice its turns.
     */
    private static final class Turns {
        int atWork;
        final ArrayDeque<Turn> waiting = new ArrayDeque<>();
    }

    /**
     * One change's turn: waiting in line, granted (the turn is its own), handled (its change reached the handlers)
     * or gone (its client left first). Exactly one of the change's end and its client's leaving gives the turn
     * back: the client's leaving only while the turn is granted but the change not yet handled (a turn handed over
     * to a client that has just left), the change's end otherwise.
     */
    private static final class Turn {
        static final int WAITING = 0;
        static final int GRANTED = 1;
        static final int HANDLED = 2;
        static final int GONE = 3;

        final Turns turns;
        final MonoSink<Turn> sink;
        final AtomicInteger state = new AtomicInteger(WAITING);
        final AtomicBoolean released = new AtomicBoolean();

        Turn(Turns turns, MonoSink<Turn> sink) {
            this.turns = turns;
            this.sink = sink;
        }
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
                                turn -> turn.state.compareAndSet(Turn.GRANTED, Turn.HANDLED)
                                        ? chain.filter(exchange)
                                        : Mono.empty(),
                                turn -> Mono.fromRunnable(() -> release(turn)))
                        .thenReturn(Boolean.TRUE))
                .switchIfEmpty(Mono.defer(() -> chain.filter(exchange).thenReturn(Boolean.TRUE)))
                .then();
    }

    /** The tenant's turn: at once while fewer than the limit are at work, else when one of them is done. */
    private Mono<Turn> turn(String tenant) {
        return Mono.create(sink -> {
            Turns turns = tenants.computeIfAbsent(tenant, t -> new Turns());
            Turn turn = new Turn(turns, sink);
            // Registered first: a client that leaves at any point from here on is seen.
            sink.onCancel(() -> cancelled(turn));
            boolean now;
            synchronized (turns) {
                if (turn.state.get() == Turn.GONE) {
                    return;
                }
                now = turns.atWork < perTenant;
                if (now) {
                    turns.atWork++;
                    turn.state.set(Turn.GRANTED);
                } else {
                    turns.waiting.addLast(turn);
                    waiting.incrementAndGet();
                }
            }
            if (now) {
                sink.success(turn);
            }
        });
    }

    /**
     * The client left before its change reached the handlers: a waiting change gives up its place; one whose turn
     * was granted but not yet handed over gives the turn back.
     */
    private void cancelled(Turn turn) {
        boolean giveBack;
        synchronized (turn.turns) {
            if (turn.turns.waiting.remove(turn)) {
                waiting.decrementAndGet();
            }
            giveBack = turn.state.compareAndSet(Turn.GRANTED, Turn.GONE);
            turn.state.compareAndSet(Turn.WAITING, Turn.GONE);
        }
        if (giveBack) {
            release(turn);
        }
    }

    /** A change is done (or left): the longest waiting change of the tenant takes its turn. */
    private void release(Turn turn) {
        if (!turn.released.compareAndSet(false, true)) {
            return;
        }
        Turns turns = turn.turns;
        Turn next;
        synchronized (turns) {
            next = turns.waiting.pollFirst();
            if (next == null) {
                turns.atWork--;
            } else {
                next.state.set(Turn.GRANTED);
                waiting.decrementAndGet();
            }
        }
        if (next != null) {
            next.sink.success(next);
        }
    }
}
