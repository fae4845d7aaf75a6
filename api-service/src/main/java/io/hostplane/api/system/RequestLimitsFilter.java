package io.hostplane.api.system;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Request limits, checked before authentication so that no work is spent on a request that will be
 * refused: headers over 8 KiB → 431, a declared body over 1 MiB → 413, both in the envelope. (A body
 * without {@code Content-Length} is cut at 1 MiB by the codecs, also 413.) Netty's own header limit is set
 * higher ({@code server.max-http-request-header-size}) so that this filter, not Netty, answers. Query
 * parameters are held to what {@link RequestJson} holds JSON strings to (no NUL, no unpaired surrogate): 400
 * naming the parameter.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class RequestLimitsFilter implements WebFilter {

    static final int MAX_HEADER_BYTES = 8 * 1024;
    static final long MAX_BODY_BYTES = 1024 * 1024;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long headerBytes = 0;
        for (Map.Entry<String, List<String>> header :
                exchange.getRequest().getHeaders().headerSet()) {
            for (String value : header.getValue()) {
                headerBytes += header.getKey().length() + value.length() + 4;
            }
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            return Mono.error(new ApiException(
                    HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers are larger than 8 KiB.", null, null));
        }
        if (exchange.getRequest().getHeaders().getContentLength() > MAX_BODY_BYTES) {
            return Mono.error(
                    new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "Request body is larger than 1 MiB.", null, null));
        }
        FieldError query = queryProblem(exchange);
        if (query != null) {
            return Mono.error(ApiException.badRequest(
                    (query.field() == null ? "The query string " : "Query parameter " + query.field() + " ")
                            + query.message(),
                    List.of(query)));
        }
        return chain.filter(exchange);
    }

    private static String nameOf(String rawName) {
        try {
            return URLDecoder.decode(rawName, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return rawName;
        }
    }

    /** Whether the percent-encoded {@code text} decodes to UTF-8 (a bad escape is not for this check to say). */
    private static boolean isUtf8(String text) {
        if (text.indexOf('%') < 0) {
            return true;
        }
        byte[] bytes = new byte[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%'
                    && i + 2 < text.length()
                    && Character.digit(text.charAt(i + 1), 16) >= 0
                    && Character.digit(text.charAt(i + 2), 16) >= 0) {
                bytes[n++] = (byte) Integer.parseInt(text, i + 1, i + 3, 16);
                i += 2;
            } else if (c < 0x80) {
                bytes[n++] = (byte) c;
            } else {
                return true; // not from a URI the server accepted: leave it to the decoding below
            }
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, n));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * The first query parameter whose name or value no field may hold ({@link RequestJson#problemIn}), or one
     * that is not percent-encoded UTF-8; null when all are fine.
     */
    private static FieldError queryProblem(ServerWebExchange exchange) {
        String raw = exchange.getRequest().getURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            if (!isUtf8(rawName)) {
                return new FieldError(
                        null, ErrorCodes.INVALID, "has a parameter name that is not percent-encoded UTF-8.");
            }
            if (eq >= 0 && !isUtf8(pair.substring(eq + 1))) {
                return new FieldError(nameOf(rawName), ErrorCodes.INVALID, "is not percent-encoded UTF-8.");
            }
        }
        MultiValueMap<String, String> parameters;
        try {
            parameters = exchange.getRequest().getQueryParams();
        } catch (IllegalArgumentException e) {
            return new FieldError(null, ErrorCodes.INVALID, "is not valid percent-encoding.");
        }
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            String problem = RequestJson.problemIn(name);
            if (problem != null) {
                return new FieldError(null, ErrorCodes.INVALID, "name " + problem + ".");
            }
            for (String value : parameter.getValue()) {
                problem = value == null ? null : RequestJson.problemIn(value);
                if (problem != null) {
                    return new FieldError(name, ErrorCodes.INVALID, problem + ".");
                }
            }
        }
        return null;
    }
}
