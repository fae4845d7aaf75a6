package io.hostplane.api.system;

import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.id.Ids;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

/**
 * The error envelope as a Netty response, for the answers made below Spring, before any {@code WebFilter} runs
 * and so before {@link RequestIdFilter}: each gets a request id of the same kind here.
 */
final class NettyEnvelopes {

    private final JsonMapper json;

    NettyEnvelopes(JsonMapper json) {
        this.json = json;
    }

    /** A complete error response with a new request id, in {@code X-Request-Id} and in the body. */
    FullHttpResponse error(HttpResponseStatus status, String message, boolean close) {
        String requestId = Ids.ulid();
        HttpStatus known = HttpStatus.resolve(status.code());
        String reason = known == null ? status.reasonPhrase() : known.getReasonPhrase();
        byte[] body = json.writeValueAsBytes(ApiEnvelope.failure(status.code(), reason, message, List.of(), requestId));
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
