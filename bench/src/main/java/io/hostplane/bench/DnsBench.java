package io.hostplane.bench;

import static io.hostplane.bench.BenchSupport.JSON;
import static io.hostplane.bench.BenchSupport.authorized;

import io.hostplane.embedded.PowerDnsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import tools.jackson.databind.JsonNode;

/**
 * Issue 5's DNS benchmark: changes applied per second into PowerDNS, "accepted → visible to a DNS query",
 * through Hostplane and directly through PowerDNS's HTTP API (what an integrator would do without
 * Hostplane), at the same concurrency, closed loop, bounded by a change count.
 *
 * <ul>
 *   <li>{@code serve DIR INFO_FILE}: runs PowerDNS (127.0.0.1, free ports) until killed; writes
 *       {@code url key dnsPort} to INFO_FILE.
 *   <li>{@code direct URL KEY DNS_PORT CHANGES CONCURRENCY ZONES}: creates the zones, then each change is
 *       one {@code PATCH} (rrset {@code REPLACE}) followed by a UDP query that must see it.
 *   <li>{@code hostplane API TOKEN_FILE DNS_PORT CHANGES CONCURRENCY ZONES}: each change is one
 *       {@code POST …/dns/records} (202), a long poll of its job until {@code succeeded}, then the same query.
 *   <li>{@code integrator API TOKEN_FILE DNS_PORT CHANGES CONCURRENCY ZONES}: as an integrator of an async API
 *       works: the clients submit without waiting for each job (each keeps at most {@link #WINDOW} changes not
 *       yet visible, and honours {@code 429}'s {@code Retry-After}), while one poller asks {@code GET /jobs?id=…}
 *       about the open jobs and confirms each succeeded one with the UDP query. The rate is changes visible per
 *       second from the first submission to the last one seen; the latency, submission to seen.
 * </ul>
 */
public final class DnsBench {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    private DnsBench() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve(Path.of(args[1]), Path.of(args[2]));
            case "direct" -> run(args, true);
            case "hostplane" -> run(args, false);
            case "integrator" -> integrator(args);
            default -> throw new IllegalArgumentException("usage: DnsBench serve|direct|hostplane|integrator …");
        }
    }

    private static void serve(Path dir, Path info) throws Exception {
        Files.createDirectories(dir);
        PowerDnsServer server = new PowerDnsServer(dir).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Files.writeString(info, server.apiUrl() + " " + server.apiKey() + " " + server.dnsPort() + "\n");
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void run(String[] args, boolean direct) throws Exception {
        String base = args[1];
        String secret = direct ? args[2] : Files.readString(Path.of(args[2])).trim();
        int dnsPort = Integer.parseInt(args[3]);
        int changes = Integer.parseInt(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        String[] zones = args[6].split(",");
        if (direct) {
            for (String zone : zones) {
                String body =
                        "{\"name\":\"" + zone + ".\",\"kind\":\"Native\",\"nameservers\":[\"ns1.bench.invalid.\"]}";
                send(HttpRequest.newBuilder(URI.create(base + "/api/v1/servers/localhost/zones"))
                        .header("X-API-Key", secret)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
            }
        }
        AtomicInteger failed = new AtomicInteger();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        long giveUp = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long start = System.nanoTime();
        List<Thread> clients = clients("c", changes, concurrency, zones, giveUp, change -> {
            long t0 = System.nanoTime();
            try {
                boolean applied = direct
                        ? patch(base, secret, change.zone(), change.name(), change.address())
                        : viaHostplane(base, secret, change.zone(), change.name(), change.address());
                if (applied && visible(dnsPort, change.name() + "." + change.zone() + ".", change.address())) {
                    latencies.add((System.nanoTime() - t0) / 1000);
                } else {
                    failed.incrementAndGet();
                }
            } catch (Exception e) {
                failed.incrementAndGet();
            }
        });
        for (Thread client : clients) {
            client.join();
        }
        row(
                direct
                        ? "PowerDNS HTTP API directly (PATCH, then query)"
                        : "Hostplane, closed loop (POST, job succeeded, then query)",
                changes,
                latencies,
                failed.get(),
                (System.nanoTime() - start) / 1e9);
        if (direct) {
            System.out.println("(PowerDNS refused " + REFUSED.get() + " PATCHes of the direct path; each was retried)");
        }
    }

    /** One change of a run: a new A record. */
    private record Change(String zone, String name, String address) {}

    /**
     * Starts {@code concurrency} clients that take change numbers in turn until {@code changes} are taken (or
     * time is up) and hand each to {@code client}. Names are unique to this run ({@code prefix}, the time), so
     * that a second run adds records instead of repeating the first's.
     */
    private static List<Thread> clients(
            String prefix, int changes, int concurrency, String[] zones, long giveUp, Consumer<Change> client) {
        String run = prefix + Long.toString(System.currentTimeMillis() % 1_000_000L, 36);
        AtomicInteger next = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < concurrency; t++) {
            Thread thread = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < changes && System.nanoTime() < giveUp) {
                    client.accept(new Change(zones[i % zones.length], run + "-" + i, "192.0.2." + (1 + i % 250)));
                }
            });
            thread.start();
            clients.add(thread);
        }
        return clients;
    }

    private static void row(
            String path, int changes, ConcurrentLinkedQueue<Long> latencies, int failed, double seconds) {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "| %s | %d | %d | %d | %.0f | %.1f | %.1f |%n",
                path,
                changes,
                sorted.length,
                failed,
                sorted.length / seconds,
                BenchSupport.percentile(sorted, 0.50) / 1000.0,
                BenchSupport.percentile(sorted, 0.99) / 1000.0);
    }

    /** Changes one integrator client may have submitted and not yet seen visible. */
    static final int WINDOW = 100;

    private record Submitted(String zone, String name, String address, long submittedNanos) {}

    private static void integrator(String[] args) throws Exception {
        String base = args[1];
        String token = Files.readString(Path.of(args[2])).trim();
        int dnsPort = Integer.parseInt(args[3]);
        int changes = Integer.parseInt(args[4]);
        int concurrency = Integer.parseInt(args[5]);
        String[] zones = args[6].split(",");
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger throttled = new AtomicInteger();
        Semaphore window = new Semaphore(WINDOW * concurrency);
        Map<String, Submitted> open = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        long giveUp = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long start = System.nanoTime();
        List<Thread> clients = clients("i", changes, concurrency, zones, giveUp, change -> {
            try {
                window.acquire();
                long t0 = System.nanoTime();
                String job = submit(base, token, change.zone(), change.name(), change.address(), throttled, giveUp);
                if (job == null) {
                    failed.incrementAndGet();
                    window.release();
                } else {
                    open.put(job, new Submitted(change.zone(), change.name(), change.address(), t0));
                }
            } catch (Exception e) {
                failed.incrementAndGet();
                window.release();
            }
        });
        long lastSeen = start;
        while (latencies.size() + failed.get() < changes && System.nanoTime() < giveUp) {
            boolean progress = false;
            List<String> ids = new ArrayList<>(open.keySet());
            for (int from = 0; from < ids.size(); from += 200) {
                for (Map.Entry<String, String> job : statuses(
                                base, token, ids.subList(from, Math.min(ids.size(), from + 200)))
                        .entrySet()) {
                    Submitted change = open.get(job.getKey());
                    if (change == null) {
                        continue;
                    }
                    if (job.getValue().equals("succeeded")) {
                        if (visible(dnsPort, change.name() + "." + change.zone() + ".", change.address())) {
                            lastSeen = System.nanoTime();
                            latencies.add((lastSeen - change.submittedNanos()) / 1000);
                            open.remove(job.getKey());
                            window.release();
                            progress = true;
                        }
                    } else if (job.getValue().equals("failed") || job.getValue().equals("cancelled")) {
                        failed.incrementAndGet();
                        open.remove(job.getKey());
                        window.release();
                        progress = true;
                    }
                }
            }
            if (!progress) {
                Thread.sleep(100);
            }
        }
        for (Thread client : clients) {
            client.join();
        }
        row(
                "Hostplane, integrator (POST without waiting, poll jobs, query)",
                changes,
                latencies,
                failed.get(),
                (lastSeen - start) / 1e9);
        System.out.println(
                "(the integrator's submissions answered 429 and retried after Retry-After: " + throttled.get() + ")");
    }

    /** Submits one change; returns its job id, or null when the API refused it. Retries 429 after Retry-After. */
    private static String submit(
            String base, String token, String zone, String name, String address, AtomicInteger throttled, long giveUp)
            throws Exception {
        while (System.nanoTime() < giveUp) {
            HttpResponse<String> created = postRecord(base, token, zone, name, address);
            if (created.statusCode() == 429) {
                throttled.incrementAndGet();
                long seconds = created.headers().firstValueAsLong("Retry-After").orElse(1);
                Thread.sleep(Math.max(1, seconds) * 1000);
                continue;
            }
            Matcher m = ID.matcher(created.body());
            return created.statusCode() == 202 && m.find() ? m.group(1) : null;
        }
        return null;
    }

    /** The status of each of {@code ids} (at most 200), from one {@code GET /jobs?id=…}. */
    private static Map<String, String> statuses(String base, String token, List<String> ids) throws Exception {
        StringBuilder query = new StringBuilder("?limit=200");
        ids.forEach(id -> query.append("&id=").append(id));
        HttpResponse<String> answer =
                send(authorized(base + "/api/v1/jobs" + query, token).GET().build());
        Map<String, String> statuses = new HashMap<>();
        if (answer.statusCode() != 200) {
            return statuses;
        }
        for (JsonNode item : JSON.readTree(answer.body()).path("data").path("items")) {
            statuses.put(item.path("id").asString(), item.path("status").asString());
        }
        return statuses;
    }

    /**
     * One change straight to PowerDNS, retried on a 5xx as a careful integrator would (PowerDNS's SQLite
     * backend answers 500 when concurrent writes collide on its database lock): up to 8 tries, backoff from
     * 20 ms doubling, with jitter.
     */
    private static boolean patch(String base, String key, String zone, String name, String address) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int status = patchOnce(base, key, zone, name, address);
            if (status == 204) {
                return true;
            }
            if (status < 500 || attempt == 8) {
                return false;
            }
            long backoff = 20L << (attempt - 1);
            Thread.sleep(backoff / 2
                    + java.util.concurrent.ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
        }
    }

    private static int patchOnce(String base, String key, String zone, String name, String address) throws Exception {
        String body = "{\"rrsets\":[{\"name\":\"" + name + "." + zone + ".\",\"type\":\"A\",\"ttl\":300,"
                + "\"changetype\":\"REPLACE\",\"records\":[{\"content\":\"" + address + "\",\"disabled\":false}]}]}";
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(base + "/api/v1/servers/localhost/zones/" + zone + "."))
                        .header("X-API-Key", key)
                        .header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                        .build());
        if (response.statusCode() != 204) {
            REFUSED.incrementAndGet();
        }
        return response.statusCode();
    }

    /** PATCHes PowerDNS refused on the direct path (each retried), reported beside the table. */
    private static final AtomicInteger REFUSED = new AtomicInteger();

    /** {@code POST …/dns/records}: one new A record through Hostplane (a job). */
    private static HttpResponse<String> postRecord(String base, String token, String zone, String name, String address)
            throws Exception {
        return send(authorized(base + "/api/v1/domains/" + zone + "/dns/records", token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"" + name + "\",\"type\":\"A\",\"ttl\":300,\"content\":\"" + address + "\"}"))
                .build());
    }

    private static boolean viaHostplane(String base, String token, String zone, String name, String address)
            throws Exception {
        HttpResponse<String> created = postRecord(base, token, zone, name, address);
        Matcher m = ID.matcher(created.body());
        if (created.statusCode() != 202 || !m.find()) {
            return false;
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            String body = send(authorized(base + "/api/v1/jobs/" + m.group(1) + "?wait=20s&until=terminal", token)
                            .GET()
                            .build())
                    .body();
            if (body.contains("\"status\":\"succeeded\"")) {
                return true;
            }
            if (body.contains("\"status\":\"failed\"") || body.contains("\"status\":\"cancelled\"")) {
                return false;
            }
        }
        return false;
    }

    /** A UDP query to PowerDNS on 127.0.0.1 answers {@code name} A {@code address}. */
    private static boolean visible(int port, String name, String address) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofSeconds(2));
        Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
        if (answer.getRcode() != Rcode.NOERROR) {
            return false;
        }
        for (Record r : answer.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a && a.getAddress().getHostAddress().equals(address)) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
