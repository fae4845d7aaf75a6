package io.hostplane.api.callbacks;

import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.ApiException;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Reads {@value #HEADER} from a request that changes something, checks it ({@link CallbackUrls}) before any
 * handler runs — a refused URL is a 400 and nothing is created — and hands it to job acceptance through the
 * Reactor context. A job without the header uses its token's default {@code callback_url}, if any.
 */
@Component
@Order(15)
class CallbackUrlFilter implements WebFilter {

    static final String HEADER = "Hostplane-Callback-Url";

    private final CallbackUrls urls;

    CallbackUrlFilter(CallbackUrls urls) {
        this.urls = urls;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        List<String> values = exchange.getRequest().getHeaders().getValuesAsList(HEADER);
        HttpMethod method = exchange.getRequest().getMethod();
        if (values.isEmpty() || HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
            return chain.filter(exchange);
        }
        if (values.size() > 1) {
            return refuse("Send one " + HEADER + ".");
        }
        String url = values.get(0).strip();
        return urls.problem(url)
                .map(CallbackUrlFilter::refuse)
                .defaultIfEmpty(Mono.defer(
                        () -> chain.filter(exchange).contextWrite(ctx -> ctx.put(JobService.CALLBACK_URL_KEY, url))))
                .flatMap(next -> next);
    }

    private static Mono<Void> refuse(String problem) {
        return Mono.error(ApiException.badRequest(
                "The callback URL is refused: " + problem,
                List.of(new FieldError(HEADER, ErrorCodes.INVALID, problem))));
    }
}
