package io.hostplane.bench;

import io.hostplane.common.topic.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import org.apache.kafka.common.utils.Utils;

/**
 * Issue 4's fairness at full size: one tenant fires {@code BURST} job requests as fast as {@code CONCURRENCY}
 * connections allow, while another tenant sends a single job every two seconds, alternately to a zone on
 * another partition than the burst's and to one on the same partition; each single job's time from request to
 * {@code succeeded} visible is reported. Bounded: the burst by its count, the single jobs by the burst's end
 * plus a drain and 120 s each.
 *
 * <p>{@code FairnessBench URL BUSY_TOKEN_FILE QUIET_TOKEN_FILE BUSY_ZONE OTHER_ZONE SAME_ZONE BURST CONCURRENCY}
 */
public final class FairnessBench {

    private FairnessBench() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("zone")) {
            System.out.println(zone(args[1], args[2], args[3], Integer.parseInt(args[4]), args[5].equals("same")));
            return;
        }
        String base = args[0];
        String busy = Files.readString(Path.of(args[1])).trim();
        String quiet = Files.readString(Path.of(args[2])).trim();
        String busyZone = args[3];
        String[] quietZones = {args[4], args[5]};
        String[] labels = {"other partition", "same partition as the burst"};
        int burst = Integer.parseInt(args[6]);
        int concurrency = Integer.parseInt(args[7]);

        AtomicInteger sent = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        ExecutorService burstPool = Executors.newFixedThreadPool(concurrency);
        long t0 = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            burstPool.submit(() -> {
                while (sent.getAndIncrement() < burst) {
                    try {
                        int status = BenchSupport.HTTP
                                .send(
                                        JobBench.createRequest(base, busy, busyZone, "b" + System.nanoTime()),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode();
                        (status == 202 ? accepted : status == 429 ? refused : other).incrementAndGet();
                    } catch (Exception e) {
                        other.incrementAndGet();
                    }
                }
                return null;
            });
        }
        burstPool.shutdown();

        List<List<Long>> latencies = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Long>> acceptances = List.of(new ArrayList<>(), new ArrayList<>());
        Thread.sleep(1000);
        int i = 0;
        // Single jobs while the burst is being sent, and for a while after it (its accepted jobs still queued).
        while ((!burstPool.isTerminated() || i < 10) && i < 200) {
            int z = i++ % 2;
            long start = System.nanoTime();
            HttpResponse<String> created = BenchSupport.HTTP.send(
                    JobBench.createRequest(base, quiet, quietZones[z], "q" + start),
                    HttpResponse.BodyHandlers.ofString());
            long acceptedAt = System.nanoTime();
            Matcher m = JobBench.ID.matcher(created.body());
            if (created.statusCode() != 202 || !m.find()) {
                System.out.println("single job refused: " + created.statusCode() + " " + created.body());
                continue;
            }
            boolean ok = JobBench.awaitSucceeded(
                            base,
                            quiet,
                            m.group(1),
                            start,
                            start + Duration.ofSeconds(120).toNanos())
                    .get(130, TimeUnit.SECONDS);
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            latencies.get(z).add(ok ? ms : -1);
            acceptances.get(z).add(Duration.ofNanos(acceptedAt - start).toMillis());
            Thread.sleep(Math.max(0, 2000 - ms));
        }
        burstPool.awaitTermination(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "burst: %d requests from one tenant in %.1f s: %d accepted (202), %d refused (429), %d other%n",
                burst,
                seconds,
                accepted.get(),
                refused.get(),
                other.get());
        System.out.println("| the other tenant's single job | jobs | not done in 120 s | p50 ms | max ms "
                + "| of which request -> 202: p50 ms | max ms |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int z = 0; z < 2; z++) {
            long[] done = latencies.get(z).stream()
                    .filter(v -> v >= 0)
                    .mapToLong(Long::longValue)
                    .sorted()
                    .toArray();
            long[] accepting = acceptances.get(z).stream()
                    .mapToLong(Long::longValue)
                    .sorted()
                    .toArray();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %d | %.0f | %d | %.0f | %d |%n",
                    labels[z],
                    latencies.get(z).size(),
                    latencies.get(z).size() - done.length,
                    BenchSupport.percentile(done, 0.50) / 1.0,
                    done.length == 0 ? 0 : done[done.length - 1],
                    BenchSupport.percentile(accepting, 0.50) / 1.0,
                    accepting.length == 0 ? 0 : accepting[accepting.length - 1]);
        }
    }

    /**
     * {@code zone TENANT PREFIX BUSY_KEY PARTITIONS same|other}: a zone name for TENANT whose command key lands on
     * the same (or another) partition as BUSY_KEY's, the way the producer's default partitioner places it.
     */
    static String zone(String tenant, String prefix, String busyKey, int partitions, boolean same) {
        int busy = partition(busyKey, partitions);
        for (int i = 0; i < 10_000; i++) {
            String zone = prefix + i + ".test";
            if ((partition(Topics.commandKey(tenant, "zone", zone), partitions) == busy) == same) {
                return zone;
            }
        }
        throw new IllegalStateException("no zone found");
    }

    private static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
