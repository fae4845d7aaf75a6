package io.hostplane.api.openapi;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Swagger UI at {@code /docs} (public): our page and initializer (which load {@code /api/v1/openapi.json}),
 * the UI's scripts and styles from the {@code org.webjars:swagger-ui} jar under {@code /docs/**}.
 */
@Configuration(proxyBeanMethods = false)
class SwaggerUiRoutes {

    static final String PAGE = "openapi/docs.html";
    static final String INITIALIZER = "openapi/swagger-initializer.js";

    @Bean
    RouterFunction<ServerResponse> swaggerUi() {
        Resource page = new ClassPathResource(PAGE);
        Resource initializer = new ClassPathResource(INITIALIZER);
        MediaType html = new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8);
        MediaType javascript = MediaType.parseMediaType("text/javascript;charset=UTF-8");
        return RouterFunctions.route(
                        GET("/docs").or(GET("/docs/")).or(GET("/docs/index.html")),
                        request -> ServerResponse.ok().contentType(html).bodyValue(page))
                .andRoute(
                        GET("/docs/swagger-initializer.js"),
                        request -> ServerResponse.ok().contentType(javascript).bodyValue(initializer))
                .and(RouterFunctions.resources("/docs/**", new ClassPathResource(webjarDirectory())));
    }

    /** {@code META-INF/resources/webjars/swagger-ui/<version>/}, the version read from the jar itself. */
    static String webjarDirectory() {
        String pom = "META-INF/maven/org.webjars/swagger-ui/pom.properties";
        try (InputStream in = new ClassPathResource(pom).getInputStream()) {
            Properties properties = new Properties();
            properties.load(in);
            return "META-INF/resources/webjars/swagger-ui/" + properties.getProperty("version") + "/";
        } catch (IOException e) {
            throw new UncheckedIOException("The swagger-ui webjar is missing from the class path (" + pom + ").", e);
        }
    }
}
