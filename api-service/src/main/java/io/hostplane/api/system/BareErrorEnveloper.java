package io.hostplane.api.system;

import io.hostplane.platform.LogFields;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Puts the error envelope and an {@code X-Request-Id} on the answers made before Spring's filters run: Reactor
 * Netty's refusals of what it cannot decode (a request line over the limit: 414; headers over the limit: 431;
 * broken framing or syntax: 400, each closing the connection) and Spring's 400 for a request target it cannot
 * turn into a URI (bad percent-encoding, {@code ?cursor=%ZZ}). Those leave as an error with an empty body and no
 * {@code X-Request-Id}, which no answer of the API's own has: every request that reaches Spring gets its id
 * first. Sits right after the HTTP codec, so it sees the decoded requests and the responses before they are
 * encoded; the status, the headers ({@code Connection: close} included) and the fate of the connection stay as
 * they were. Each is logged like an access log line, under its request id.
 */
final class BareErrorEnveloper extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(BareErrorEnveloper.class);

    private final NettyEnvelopes envelopes;
    /** The requests not answered yet, oldest first (HTTP/1.1 answers in order). */
    private final Queue<HttpRequest> unanswered = new ArrayDeque<>();

    BareErrorEnveloper(NettyEnvelopes envelopes) {
        this.envelopes = envelopes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            unanswered.add(request);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            // The request this answers; its decoder result is read now, since Reactor Netty marks a request it
            // cannot take (a Host header it cannot parse) after it has passed here.
            HttpRequest request = unanswered.poll();
            if (response instanceof FullHttpResponse full && isBare(full)) {
                boolean close = HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(
                        full.headers().get(HttpHeaderNames.CONNECTION));
                FullHttpResponse enveloped = envelopes.error(full.status(), message(full.status(), request), close);
                full.release();
                if (ctx.channel().isActive()) {
                    logAnswer(request, enveloped);
                }
                ctx.write(enveloped, promise);
                return;
            }
        }
        ctx.write(msg, promise);
    }

    private static void logAnswer(HttpRequest request, FullHttpResponse enveloped) {
        if (!log.isInfoEnabled()) {
            return;
        }
        String line;
        if (request == null || request.decoderResult().isFailure()) {
            line = "(unreadable request)";
        } else {
            // Without the query string, as the access log; and short, whatever was sent.
            String uri = request.uri();
            int query = uri.indexOf('?');
            String path = query < 0 ? uri : uri.substring(0, query);
            line = request.method() + " " + (path.length() > 200 ? path.substring(0, 200) + "…" : path);
        }
        try (MDC.MDCCloseable id =
                MDC.putCloseable(LogFields.REQUEST_ID, enveloped.headers().get(RequestIds.HEADER))) {
            log.info("{} {} (answered before routing)", line, enveloped.status().code());
        }
    }

    private static boolean isBare(FullHttpResponse response) {
        return response.status().code() >= 400
                && !response.content().isReadable()
                && !response.headers().contains(RequestIds.HEADER);
    }

    static String message(HttpResponseStatus status, HttpRequest request) {
        Throwable failure = request != null && request.decoderResult().isFailure()
                ? request.decoderResult().cause()
                : null;
        return switch (status.code()) {
            case 414 -> "The request line is too long; send fewer or shorter query parameters.";
            case 431 -> "Request headers are larger than 8 KiB.";
            case 413 -> "Request body is larger than 1 MiB.";
            case 400 ->
                failure == null
                        ? "The request target is not a valid URI: check its percent-encoding (%XX, two hex digits)."
                        : "The request is not valid HTTP/1.1: its request line, a header or its framing"
                                + " (Content-Length, Transfer-Encoding) cannot be read.";
            default -> status.reasonPhrase() + ".";
        };
    }
}
