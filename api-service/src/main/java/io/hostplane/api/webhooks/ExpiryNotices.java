package io.hostplane.api.webhooks;

import io.hostplane.api.ssl.SslProperties;
import io.hostplane.api.system.PollingLoop;
import io.hostplane.common.id.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The daily expiry notices, made exactly once per UTC day across every API replica: each replica looks every
 * {@code hostplane.webhooks.notice-check-interval} whether today's run is done; the first to find it not done (and
 * not leased by another) takes a lease on it in {@code api.daily_runs}, makes the {@code ssl.expiring} events
 * (installed certificates expiring within {@code hostplane.ssl.expires-soon}) and {@code token.expiring} events
 * (tenant tokens expiring within {@code hostplane.webhooks.token-expiring-within}), deletes events older than
 * {@code hostplane.webhooks.retention}, and marks the day done. A replica that dies mid-run leaves a lease that
 * ends, and another takes the day over; each event's source names the certificate or token and the day, so a day
 * done twice still makes each notice once.
 */
@Component
class ExpiryNotices extends PollingLoop {

    private static final Logger log = LoggerFactory.getLogger(ExpiryNotices.class);

    static final String TASK = "expiry-notices";
    private static final Duration LEASE = Duration.ofMinutes(5);

    private final WebhookStore store;
    private final WebhookProperties properties;
    private final Duration sslWithin;
    private final Clock clock;
    private final String owner = Ids.prefixed("rep");

    @Autowired
    ExpiryNotices(WebhookStore store, WebhookProperties properties, SslProperties ssl) {
        this(store, properties, ssl, Clock.systemUTC());
    }

    ExpiryNotices(WebhookStore store, WebhookProperties properties, SslProperties ssl, Clock clock) {
        super("expiry-notices", properties.noticeCheckInterval());
        this.store = store;
        this.properties = properties;
        this.sslWithin = ssl.expiresSoon();
        this.clock = clock;
    }

    /** Makes today's notices if no replica has; 0 either way, so the loop waits for the next check. */
    @Override
    protected int runOnce() {
        runToday().block(Duration.ofMinutes(5));
        return 0;
    }

    /** Today's run, if this replica takes it: true when it did. */
    Mono<Boolean> runToday() {
        LocalDate day = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return store.claimDay(TASK, day, owner, LEASE).flatMap(mine -> {
            if (!mine) {
                return Mono.just(false);
            }
            return store.sslExpiring(sslWithin, day)
                    .zipWith(store.tokensExpiring(properties.tokenExpiringWithin(), day))
                    .flatMap(made -> store.deleteEventsBefore(clock.instant().minus(properties.retention()))
                            .doOnNext(deleted -> log.info(
                                    "expiry notices for {}: {} ssl.expiring and {} token.expiring deliveries; "
                                            + "{} old events deleted",
                                    day,
                                    made.getT1(),
                                    made.getT2(),
                                    deleted)))
                    .then(store.finishDay(TASK, day, owner))
                    .thenReturn(true);
        });
    }
}
