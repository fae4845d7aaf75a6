package io.hostplane.api.system;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.util.List;
import java.util.Map;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The one reader of form bodies ({@code application/x-www-form-urlencoded}, sent by the OAuth approval
 * page): a body that is not valid percent-encoding, or a name or value with a NUL character or an unpaired
 * surrogate ({@link RequestJson#problemIn}), is a 400 naming the field instead of reaching a feature.
 */
public final class RequestForms {

    private RequestForms() {}

    public static Mono<MultiValueMap<String, String>> read(ServerWebExchange exchange) {
        return exchange.getFormData()
                .onErrorMap(
                        IllegalArgumentException.class,
                        e -> ApiException.badRequest(
                                "The form body is not valid percent-encoding.",
                                List.of(new FieldError(null, ErrorCodes.INVALID, "Not valid percent-encoding."))))
                .map(form -> {
                    for (Map.Entry<String, List<String>> field : form.entrySet()) {
                        String problem = RequestJson.problemIn(field.getKey());
                        if (problem != null) {
                            throw ApiException.badRequest(
                                    "A form field name " + problem + ".",
                                    List.of(new FieldError(null, ErrorCodes.INVALID, "A field name " + problem + ".")));
                        }
                        for (String value : field.getValue()) {
                            problem = value == null ? null : RequestJson.problemIn(value);
                            if (problem != null) {
                                throw ApiException.badRequest(
                                        "Form field " + field.getKey() + " " + problem + ".",
                                        List.of(new FieldError(field.getKey(), ErrorCodes.INVALID, problem + ".")));
                            }
                        }
                    }
                    return form;
                });
    }
}
