package io.hostplane.audit.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Posts batches in the Splunk HTTP Event Collector's shape: one JSON object per line, {@code {"event": <the stored
 * CloudEvent>, "time": <epoch seconds.millis>, "sourcetype": "hostplane:audit", "source": "hostplane", "fields":
 * {…}}}, gzip-compressed, with {@code Authorization: Bearer <token>} or {@code Splunk <token>}. Any 2xx
 * acknowledges the whole batch; anything else, or no answer within the request timeout, is a failure and the
 * same batch is sent again. Errors name the status and the host only: the URL's path and query may hold a secret.
 */
final class HttpSink implements StreamSink {

    private final HttpClient client;
    private final URI uri;
    private final String authorization;
    private final String host;
    private final StreamProperties.Http timeouts;
    private final SinkAddresses addresses;

    HttpSink(
            URI uri,
            String authorization,
            SSLContext tls,
            StreamProperties.Http timeouts,
            String host,
            SinkAddresses addresses) {
        this.addresses = addresses;
        this.uri = uri;
        this.authorization = authorization;
        this.host = host;
        this.timeouts = timeouts;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeouts.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // HEC collectors speak HTTP/1.1; no h2c upgrade attempt on plain http.
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .build();
    }

    @Override
    public void send(List<StreamEvent> events) throws SinkException {
        // Checked before every batch; the client resolves the name again itself (the JVM caches the answer).
        String name = uri.getHost();
        addresses.check(name.startsWith("[") ? name.substring(1, name.length() - 1) : name);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeouts.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(body(events))));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<Void> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new SinkException("no answer from " + host + " within "
                    + timeouts.requestTimeout().toSeconds() + " s ("
                    + e.getClass().getSimpleName() + ")");
        } catch (SSLException e) {
            throw new SinkException(
                    "TLS with " + host + " failed (" + e.getClass().getSimpleName()
                            + "): the collector's certificate does not verify against the stream's CA or the default trust");
        } catch (IOException e) {
            throw new SinkException(
                    "connection to " + host + " failed (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkException("interrupted");
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new SinkException("HTTP " + status + " from " + host);
        }
    }

    @Override
    public boolean acknowledges() {
        return true;
    }

    @Override
    public void close() {
        // HttpClient has no close in Java 17; its connections time out idle.
    }

    /** The batch's lines, HEC shape. The stored event goes in as it is (it is JSON already). */
    static String body(List<StreamEvent> events) {
        StringBuilder out = new StringBuilder();
        for (StreamEvent e : events) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append("{\"event\":")
                    .append(e.json())
                    .append(",\"time\":")
                    .append(
                            e.time() == null
                                    ? "null"
                                    : BigDecimal.valueOf(e.time().toEpochMilli(), 3)
                                            .toPlainString())
                    .append(",\"sourcetype\":\"hostplane:audit\",\"source\":\"hostplane\",\"fields\":{")
                    .append("\"event_id\":")
                    .append(quote(e.eventId()))
                    .append(",\"event_type\":")
                    .append(quote(e.type()))
                    .append(",\"tenant\":")
                    .append(e.tenant() == null ? "null" : quote(e.tenant()))
                    .append(",\"topic\":")
                    .append(quote(e.topic()))
                    .append(",\"partition\":")
                    .append(e.partition())
                    .append(",\"offset\":")
                    .append(e.offset())
                    .append("}}");
        }
        return out.toString();
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static byte[] gzip(String body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(body.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
