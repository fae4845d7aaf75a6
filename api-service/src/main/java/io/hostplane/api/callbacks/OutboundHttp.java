package io.hostplane.api.callbacks;

import io.netty.channel.ChannelOption;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The one HTTP client that posts callbacks and webhook deliveries: redirects are not followed, and connecting,
 * waiting for the answer and reading what is kept of it together take at most {@code hostplane.callbacks.timeout},
 * so a receiver answering slowly or endlessly holds one delivery for that long and no more.
 */
@Component
public class OutboundHttp {

    /** What a receiver answered: its status code and the first bytes of its body, or why there was no answer. */
    public record Answer(Integer status, String excerpt, String error) {

        public boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    private final WebClient client;
    private final Duration timeout;

    OutboundHttp(CallbackProperties properties) {
        this.timeout = properties.timeout();
        HttpClient http = HttpClient.create()
                .followRedirect(false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .responseTimeout(timeout);
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .build();
    }

    /** The longest one post may take. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * POSTs {@code body} (JSON) with {@code headers}; keeps at most {@code excerptBytes} of the answer's body (0:
     * none). Never fails: a refused connection, a timeout or a broken answer is an {@link Answer} with an error.
     */
    public Mono<Answer> post(String url, Map<String, String> headers, byte[] body, int excerptBytes) {
        return client.post()
                .uri(url)
                .contentType(MediaType.APPLICATION_JSON)
                .headers(h -> headers.forEach(h::set))
                .bodyValue(body)
                .exchangeToMono(response -> {
                    int status = response.statusCode().value();
                    String error = response.statusCode().is2xxSuccessful() ? null : "HTTP " + status;
                    if (excerptBytes <= 0) {
                        return response.releaseBody().thenReturn(new Answer(status, null, error));
                    }
                    ByteArrayOutputStream kept = new ByteArrayOutputStream();
                    return response.bodyToFlux(DataBuffer.class)
                            .doOnNext(buffer -> keep(buffer, kept, excerptBytes))
                            .takeUntil(buffer -> kept.size() >= excerptBytes)
                            .then(Mono.fromSupplier(() -> new Answer(status, excerpt(kept.toByteArray()), error)));
                })
                .timeout(timeout)
                .onErrorResume(e -> Mono.just(new Answer(null, null, describe(e, url))));
    }

    private static void keep(DataBuffer buffer, ByteArrayOutputStream kept, int limit) {
        try {
            int n = Math.min(buffer.readableByteCount(), limit - kept.size());
            if (n > 0) {
                byte[] bytes = new byte[n];
                buffer.read(bytes);
                kept.write(bytes, 0, n);
            }
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** The kept bytes as text: invalid UTF-8 replaced, control characters but tab and newline dropped. */
    static String excerpt(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints()
                .filter(c -> c == '\n' || c == '\t' || !Character.isISOControl(c))
                .forEach(clean::appendCodePoint);
        return clean.toString();
    }

    /** Why there was no answer, without the URL (whose path may carry a secret), in at most 300 characters. */
    static String describe(Throwable e, String url) {
        if (e instanceof java.util.concurrent.TimeoutException) {
            return "no answer within the timeout";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String path = java.net.URI.create(url).getRawPath();
        message = message.replace(url, "<url>");
        if (path != null && path.length() > 1) {
            message = message.replace(path, "<path>");
        }
        return message.length() > 300 ? message.substring(0, 300) : message;
    }
}
