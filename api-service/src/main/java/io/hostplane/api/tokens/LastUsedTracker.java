package io.hostplane.api.tokens;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Keeps {@code last_used_at} and {@code last_used_ip} without a database write per request: uses are
 * remembered in memory (one entry per token, the newest wins) and written in one batch every
 * {@code hostplane.tokens.last-used-flush}. A crash loses at most that interval of "last used" precision.
 */
@Component
class LastUsedTracker implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LastUsedTracker.class);

    record Use(Instant at, String ip) {}

    private final TokenStore tokens;
    private final Map<String, Use> pending = new ConcurrentHashMap<>();

    LastUsedTracker(TokenStore tokens) {
        this.tokens = tokens;
    }

    void touch(String tokenId, String ip) {
        pending.put(tokenId, new Use(Instant.now(), ip));
    }

    @Scheduled(fixedDelayString = "${hostplane.tokens.last-used-flush:5s}")
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        var batch = Map.copyOf(pending);
        batch.forEach(pending::remove);
        try {
            Flux.fromIterable(batch.entrySet())
                    .concatMap(e -> tokens.markUsed(
                            e.getKey(), e.getValue().at(), e.getValue().ip()))
                    .then()
                    .block(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            batch.forEach(pending::putIfAbsent);
            log.warn("could not record token use ({} tokens), will retry: {}", batch.size(), e.toString());
        }
    }

    @Override
    public void destroy() {
        flush();
    }
}
