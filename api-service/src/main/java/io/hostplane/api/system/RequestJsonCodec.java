package io.hostplane.api.system;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.MimeType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one reader of request JSON: the application's JSON decoder, replaced by one that passes every request
 * body read as a {@link JsonNode} through {@link RequestJson#check} before a controller sees it. Bodies the
 * API's own clients decode (e.g. a JWKS document) are not request bodies and are left alone.
 */
@Configuration(proxyBeanMethods = false)
class RequestJsonCodec {

    /** Ordered after the framework's own customizer, so that this decoder is the one that stays. */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    CodecCustomizer requestJsonCodecCustomizer(JsonMapper mapper) {
        return configurer -> configurer.defaultCodecs().jacksonJsonDecoder(new CheckingDecoder(mapper));
    }

    static final class CheckingDecoder extends JacksonJsonDecoder {

        private static final String REQUEST_BODY = CheckingDecoder.class.getName() + ".requestBody";

        CheckingDecoder(JsonMapper mapper) {
            super(mapper);
        }

        @Override
        public Map<String, Object> getDecodeHints(
                ResolvableType actualType,
                ResolvableType elementType,
                ServerHttpRequest request,
                ServerHttpResponse response) {
            Map<String, Object> hints = new HashMap<>(super.getDecodeHints(actualType, elementType, request, response));
            hints.put(REQUEST_BODY, Boolean.TRUE);
            return hints;
        }

        @Override
        public Object decode(DataBuffer buffer, ResolvableType targetType, MimeType mimeType, Map<String, Object> hints)
                throws DecodingException {
            Object value = super.decode(buffer, targetType, mimeType, hints);
            // An empty body decodes to nothing: whether one is required is the route's decision.
            if (hints != null
                    && hints.containsKey(REQUEST_BODY)
                    && value instanceof JsonNode node
                    && !node.isMissingNode()) {
                RequestJson.check(node);
            }
            return value;
        }
    }
}
