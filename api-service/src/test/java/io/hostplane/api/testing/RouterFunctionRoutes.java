package io.hostplane.api.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * The routes a {@link RouterFunction} declares, read through Spring's visitors: each path predicate with the methods
 * of the method predicate seen before it in the same route (none: the route takes any method).
 */
public final class RouterFunctionRoutes {

    /** One path of a route and its methods; no method means any. */
    public record Route(Set<HttpMethod> methods, String path) {}

    private RouterFunctionRoutes() {}

    public static List<Route> of(RouterFunction<?> function) {
        List<Route> routes = new ArrayList<>();
        function.accept(new RouterFunctions.Visitor() {
            @Override
            public void startNested(RequestPredicate predicate) {}

            @Override
            public void endNested(RequestPredicate predicate) {}

            @Override
            public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
                predicate.accept(new Paths(routes));
            }

            @Override
            public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {}

            @Override
            public void attributes(Map<String, Object> attributes) {}

            @Override
            public void unknown(RouterFunction<?> routerFunction) {}
        });
        return routes;
    }

    /** Walks one predicate: a path seen after a method predicate belongs to those methods. */
    private static final class Paths implements RequestPredicates.Visitor {

        private final List<Route> routes;
        private Set<HttpMethod> methods = Set.of();

        Paths(List<Route> routes) {
            this.routes = routes;
        }

        @Override
        public void method(Set<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        public void path(String pattern) {
            routes.add(new Route(methods, pattern));
        }

        @Override
        public void pathExtension(String extension) {}

        @Override
        public void header(String name, String value) {}

        @Override
        public void queryParam(String name, String value) {}

        @Override
        public void version(String version) {}

        @Override
        public void startAnd() {}

        @Override
        public void and() {}

        @Override
        public void endAnd() {}

        @Override
        public void startOr() {}

        @Override
        public void or() {}

        @Override
        public void endOr() {}

        @Override
        public void startNegate() {}

        @Override
        public void endNegate() {}

        @Override
        public void unknown(RequestPredicate predicate) {}
    }
}
