package io.hostplane.worker.dns;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.worker.system.JobFailure;
import io.hostplane.worker.system.TransientBackendException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls PowerDNS Authoritative's HTTP API and sorts its failures: no answer (refused, timed out) or a 5xx is
 * transient ({@link TransientBackendException}, the worker tries again); a rejected API key or a 4xx the
 * caller does not expect fails the job ({@link JobFailure}). The API key goes in a header and nowhere else.
 */
final class PowerDnsClient {

    /** The job failed because PowerDNS rejected the change itself (bad content, a conflicting rrset). */
    private final HttpClient http;

    private final JsonMapper json;
    private final PowerDnsProperties properties;
    private final String base;
    private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
    private final ReentrantLock writes = new ReentrantLock(true);

    PowerDnsClient(PowerDnsProperties properties, JsonMapper json) {
        if (properties.url() == null || properties.url().isBlank()) {
            throw new IllegalStateException(
                    "hostplane.dns.backend=powerdns needs hostplane.dns.powerdns.url (HOSTPLANE_DNS_POWERDNS_URL)");
        }
        if (properties.apiKey() == null || properties.apiKey().isBlank()) {
            throw new IllegalStateException(
                    "hostplane.dns.backend=powerdns needs hostplane.dns.powerdns.api-key (HOSTPLANE_DNS_POWERDNS_API_KEY)");
        }
        this.properties = properties;
        this.json = json;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.timeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        String url = properties.url().replaceAll("/+$", "");
        this.base = url + "/api/v1/servers/" + encode(properties.serverId());
    }

    /** The status and parsed body of an answer that is not a transient failure. */
    record Answer(int status, String body) {

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * Sends {@code body} (JSON, or none) to {@code path} under the server (e.g. {@code /zones}). Returns 2xx
     * and 4xx answers other than 401 and 403; throws for the rest.
     */
    Answer send(String method, String path, JsonNode body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("X-API-Key", properties.apiKey())
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .timeout(properties.timeout())
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                .build();
        HttpResponse<String> response;
        sent.computeIfAbsent(method, m -> new LongAdder()).increment();
        boolean serialized = properties.serializeWrites() && !method.equals("GET");
        if (serialized) {
            writes.lock();
        }
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TransientBackendException(
                    "PowerDNS at " + properties.url() + " did not answer " + method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientBackendException("interrupted while calling PowerDNS", e);
        } finally {
            if (serialized) {
                writes.unlock();
            }
        }
        int status = response.statusCode();
        if (status >= 500 || status == 408 || status == 429) {
            throw new TransientBackendException(
                    "PowerDNS answered " + status + " to " + method + " " + path + ": " + error(response.body()), null);
        }
        if (status == 401 || status == 403) {
            throw new JobFailure(
                    ErrorCodes.BACKEND_ERROR,
                    "PowerDNS refused the API key (" + status + "); check hostplane.dns.powerdns.api-key (key "
                            + Fingerprints.of(properties.apiKey()) + ").");
        }
        return new Answer(status, response.body());
    }

    /** How many requests with {@code method} were sent (answered or not). */
    long sent(String method) {
        LongAdder count = sent.get(method);
        return count == null ? 0 : count.sum();
    }

    /** PowerDNS's own explanation, from {@code {"error": "…"}} or the plain body. */
    String error(String body) {
        if (body == null || body.isBlank()) {
            return "(no details)";
        }
        try {
            JsonNode node = json.readTree(body);
            if (node.path("error").isString()) {
                return node.path("error").asString();
            }
        } catch (RuntimeException notJson) {
            // plain text, e.g. "Conflict"
        }
        return body.length() > 500 ? body.substring(0, 500) + "…" : body;
    }

    JobFailure rejected(String what, Answer answer) {
        return new JobFailure(
                ErrorCodes.DNS_REJECTED,
                "PowerDNS rejected " + what + " (" + answer.status() + "): " + error(answer.body()));
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }
}
