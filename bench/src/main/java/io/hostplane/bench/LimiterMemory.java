package io.hostplane.bench;

import io.hostplane.api.ratelimit.RateLimitProperties;
import io.hostplane.api.ratelimit.TokenRateLimiters;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.Locale;

/**
 * Heap held by the per-token rate limiters with many distinct tokens, each of which made a request.
 *
 * <pre>java -cp … io.hostplane.bench.LimiterMemory [TOKENS]</pre>
 */
public final class LimiterMemory {

    private LimiterMemory() {}

    public static void main(String[] args) throws InterruptedException {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        TokenRateLimiters limiters = new TokenRateLimiters(new RateLimitProperties(
                120, Duration.ofSeconds(60), 1_000_000, 60, Duration.ofSeconds(60), 10, Duration.ofMinutes(5)));
        long before = settledHeap(memory);
        for (int i = 0; i < tokens; i++) {
            limiters.acquire("tok_" + Integer.toString(i, 36), null, null);
        }
        long after = settledHeap(memory);
        long held = limiters.size();
        System.out.printf(Locale.ROOT, "| tokens | limiters held | heap used by them | per limiter |%n");
        System.out.printf(Locale.ROOT, "| ---: | ---: | ---: | ---: |%n");
        System.out.printf(
                Locale.ROOT,
                "| %d | %d | %.1f MiB | %d bytes |%n",
                tokens,
                held,
                (after - before) / 1048576.0,
                held == 0 ? 0 : (after - before) / held);
    }

    private static long settledHeap(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
