package io.hostplane.api.system;

import io.netty.channel.ChannelPipeline;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * The edges of HTTP that Reactor Netty handles before Spring sees a request (docs/http.md): its refusals get the
 * error envelope and an {@code X-Request-Id} ({@link BareErrorEnveloper}), a handler placed after the HTTP/1.1
 * codec of every connection.
 */
@Component
class HttpServerEdges implements NettyServerCustomizer {

    static final String ENVELOPER = "hostplane.bareErrorEnveloper";

    private final NettyEnvelopes envelopes;

    HttpServerEdges(JsonMapper json) {
        this.envelopes = new NettyEnvelopes(json);
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.doOnChannelInit((observer, channel, remoteAddress) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) == null) {
                return; // not an HTTP/1.1 connection (the API serves no other)
            }
            pipeline.addAfter(NettyPipeline.HttpCodec, ENVELOPER, new BareErrorEnveloper(envelopes));
        });
    }
}
