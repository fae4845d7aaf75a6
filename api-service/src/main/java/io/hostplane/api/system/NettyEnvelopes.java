package io.hostplane.api.system;

import io.hostplane.common.id.Ids;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The error envelope as a Netty response, for the answers made below Spring, before any {@code WebFilter} runs
 * and so before {@link RequestIdFilter}: each gets a request id of the same kind here. These cannot be raised to
 * {@link ApiErrorHandler}, since no exchange exists yet (a request whose headers or request line Netty refused,
 * a connection that timed out); they are the one other place an error is written, with the envelope the handler
 * builds ({@link ApiErrorHandler#envelope}).
 */
final class NettyEnvelopes {

    private final JsonMapper json;

    NettyEnvelopes(JsonMapper json) {
        this.json = json;
    }

    /** A complete error response with a new request id, in {@code X-Request-Id} and in the body. */
    FullHttpResponse error(HttpResponseStatus status, String message, boolean close) {
        String requestId = Ids.ulid();
        byte[] body = json.writeValueAsBytes(ApiErrorHandler.envelope(status.code(), message, List.of(), requestId));
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(RequestIds.HEADER, requestId)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }
}
