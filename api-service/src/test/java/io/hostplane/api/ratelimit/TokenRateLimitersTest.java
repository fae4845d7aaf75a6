package io.hostplane.api.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class TokenRateLimitersTest {

    @Test
    void aWindowGrantsItsLimitThenRefusesWithAWait() {
        var limiters = new TokenRateLimiters(new RateLimitProperties(
                3, Duration.ofSeconds(60), 1000, 60, Duration.ofSeconds(60), 10, Duration.ofMinutes(5)));
        var first = limiters.acquire("tok_a", null, null);
        assertThat(first.permitted()).isTrue();
        assertThat(first.limit()).isEqualTo(3);
        assertThat(first.remaining()).isEqualTo(2);
        assertThat(first.resetSeconds()).isBetween(1L, 60L);
        limiters.acquire("tok_a", null, null);
        assertThat(limiters.acquire("tok_a", null, null).remaining()).isZero();
        var refused = limiters.acquire("tok_a", null, null);
        assertThat(refused.permitted()).isFalse();
        assertThat(refused.retryAfterSeconds()).isBetween(1L, 60L);
        assertThat(limiters.acquire("tok_b", null, null).permitted()).isTrue();
    }

    @Test
    void aTokensOwnLimitWins() {
        var limiters = new TokenRateLimiters(new RateLimitProperties(
                120, Duration.ofSeconds(60), 1000, 60, Duration.ofSeconds(60), 10, Duration.ofMinutes(5)));
        assertThat(limiters.acquire("tok_c", 1, 10).limit()).isEqualTo(1);
        assertThat(limiters.acquire("tok_c", 1, 10).permitted()).isFalse();
    }

    @Test
    void memoryStaysBoundedWithManyTokens() {
        var limiters = new TokenRateLimiters(new RateLimitProperties(
                120, Duration.ofSeconds(60), 1000, 60, Duration.ofSeconds(60), 10, Duration.ofMinutes(5)));
        for (int i = 0; i < 20_000; i++) {
            limiters.acquire("tok_" + i, null, null);
        }
        assertThat(limiters.size()).isLessThanOrEqualTo(1000);
    }

    @Test
    void idleLimitersAreEvictedAfterTwoWindows() {
        AtomicLong now = new AtomicLong(0);
        var limiters = new TokenRateLimiters(
                new RateLimitProperties(
                        5, Duration.ofSeconds(1), 1000, 60, Duration.ofSeconds(60), 10, Duration.ofMinutes(5)),
                now::get);
        for (int i = 0; i < 50; i++) {
            limiters.acquire("tok_" + i, null, null);
        }
        assertThat(limiters.size()).isEqualTo(50);
        now.addAndGet(Duration.ofMillis(1500).toNanos());
        assertThat(limiters.size()).isEqualTo(50);
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(limiters.size()).isZero();
    }
}
