package io.hostplane.api.system;

import io.netty.channel.ChannelPipeline;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The edges of HTTP that Reactor Netty handles before Spring sees a request (docs/http.md): its refusals get the
 * error envelope and an {@code X-Request-Id} ({@link BareErrorEnveloper}), and each connection gets a deadline
 * for a request head and one for idling between requests ({@link ConnectionDeadlines}). Both are handlers placed
 * around the HTTP/1.1 codec of every connection.
 */
@Component
class HttpServerEdges implements NettyServerCustomizer {

    static final String BYTES = "hostplane.deadlines.bytes";
    static final String ENVELOPER = "hostplane.bareErrorEnveloper";
    static final String MESSAGES = "hostplane.deadlines.messages";

    private final HttpProperties http;
    private final NettyEnvelopes envelopes;

    HttpServerEdges(HttpProperties http, JsonMapper json) {
        this.http = http;
        this.envelopes = new NettyEnvelopes(json);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) == null) {
                return; // not an HTTP/1.1 connection (the API serves no other)
            }
            ConnectionDeadlines deadlines =
                    new ConnectionDeadlines(http.requestHeadTimeout(), http.idleTimeout(), envelopes);
            pipeline.addBefore(NettyPipeline.HttpCodec, BYTES, deadlines.bytes());
            pipeline.addAfter(NettyPipeline.HttpCodec, MESSAGES, deadlines.messages());
            // Next to the codec, so that it sees every answer, the 408 of the deadlines included.
            pipeline.addAfter(NettyPipeline.HttpCodec, ENVELOPER, new BareErrorEnveloper(envelopes));
        });
    }
}
