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
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one reader of request JSON: the application's JSON decoder, replaced by one that reads every request
 * body as a {@link JsonNode}, passes it through {@link RequestJson#check}, and only then binds it to the
 * controller's type (a body record, through its {@link RequestFields} reader). Bodies the API's own clients
 * decode (e.g. a JWKS document) are not request bodies and are left alone.
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

        private static final ResolvableType TREE = ResolvableType.forClass(JsonNode.class);

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
            if (hints == null || !hints.containsKey(REQUEST_BODY)) {
                return super.decode(buffer, targetType, mimeType, hints);
            }
            JsonNode node = (JsonNode) super.decode(buffer, TREE, mimeType, hints);
            // A body of white space decodes to nothing: whether one is required is the route's decision.
            if (node != null && !node.isMissingNode()) {
                RequestJson.check(node);
            }
            if (node == null || targetType.isAssignableFrom(TREE)) {
                return node;
            }
            if (node.isMissingNode()) {
                // As a tree, such a body reads as an object without members; a record reads it so too.
                node = getMapper().createObjectNode();
            }
            try {
                return getMapper().treeToValue(node, getMapper().constructType(targetType.getType()));
            } catch (JacksonException e) {
                // A body record's reader refuses with the field paths; the binding wraps that refusal.
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof ApiException refused) {
                        throw refused;
                    }
                }
                throw new DecodingException("JSON decoding error: " + e.getOriginalMessage(), e);
            }
        }
    }
}
