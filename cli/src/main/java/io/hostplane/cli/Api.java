package io.hostplane.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API over HTTP: sends the token, reads the envelope, and turns every refusal into a {@link CliException}
 * with the API's own message and the matching exit code. The token never appears in a message.
 */
final class Api {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Api(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    JsonNode get(String path, Map<String, ?> query) {
        return send("GET", path + query(query), null, Duration.ofSeconds(30));
    }

    /**
     * A long poll of a job ({@code ?wait=…&until=terminal}): the server holds the request until the job has ended,
     * or for up to {@code wait}.
     */
    JsonNode getWhenTerminal(String path, Duration wait) {
        return send("GET", path + "?wait=" + wait.toSeconds() + "s&until=terminal", null, wait.plusSeconds(15));
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body, Duration.ofSeconds(30));
    }

    JsonNode put(String path, Object body) {
        return send("PUT", path, body, Duration.ofSeconds(30));
    }

    /** A JSON merge patch (RFC 7396) of one resource. */
    JsonNode patch(String path, Object body) {
        return send("PATCH", path, body, Duration.ofSeconds(30));
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null, Duration.ofSeconds(30));
    }

    /** A streamed answer (an export), checked for errors before the body is handed over. */
    InputStream stream(String path, Map<String, ?> query) {
        HttpRequest request =
                request(path + query(query), Duration.ofMinutes(30)).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() >= 300) {
                String text;
                try (InputStream in = response.body()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                throw refusal(response.statusCode(), text);
            }
            return response.body();
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "interrupted");
        }
    }

    private JsonNode send(String method, String path, Object body, Duration timeout) {
        HttpRequest.Builder builder = request(path, timeout);
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw refusal(response.statusCode(), response.body());
            }
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "interrupted");
        }
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + "/api/v1" + path))
                .timeout(timeout)
                .header("Accept", "application/json, application/x-ndjson")
                .header("User-Agent", "hostplane-cli");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private CliException unreachable(IOException e) {
        String why = e instanceof ConnectException
                ? "connection refused"
                : e instanceof HttpTimeoutException ? "timed out" : e.getClass().getSimpleName();
        return new CliException(ExitCodes.UNAVAILABLE, "cannot reach the API at " + base + " (" + why + ")", e);
    }

    /** The envelope's message and per-field errors, on one line. */
    private static CliException refusal(int status, String body) {
        String message = "HTTP " + status;
        try {
            JsonNode envelope = JSON.readTree(body);
            StringBuilder text = new StringBuilder(envelope.path("message").asString(message));
            for (JsonNode error : envelope.path("errors")) {
                text.append(" [")
                        .append(error.path("field").asString())
                        .append(": ")
                        .append(error.path("message").asString())
                        .append(']');
            }
            message = text.toString();
        } catch (RuntimeException notJson) {
            // keep "HTTP nnn"
        }
        int code = status == 401 || status == 403
                ? ExitCodes.AUTH
                : status >= 500 ? ExitCodes.UNAVAILABLE : ExitCodes.REFUSED;
        return new CliException(code, message + " (HTTP " + status + ")");
    }

    private static String query(Map<String, ?> params) {
        if (params == null || params.isEmpty()) {
            return "";
        }
        StringBuilder q = new StringBuilder();
        params.forEach((key, value) -> {
            if (value == null) {
                return;
            }
            for (Object v : value instanceof List<?> list ? list : List.of(value)) {
                q.append(q.isEmpty() ? '?' : '&')
                        .append(URLEncoder.encode(key, StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
            }
        });
        return q.toString();
    }

    /** A query map that keeps insertion order and skips nulls. */
    static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object value = keysAndValues[i + 1];
            if (value != null && !(value instanceof List<?> list && list.isEmpty())) {
                map.put((String) keysAndValues[i], value);
            }
        }
        return map;
    }
}
