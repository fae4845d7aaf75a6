package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.api.ApiIntegrationTest;
import io.hostplane.api.testing.RouterFunctionRoutes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import tools.jackson.databind.JsonNode;

/**
 * Issue 19, item 6: a route without a scope rule is refused for every token, and every route registered in the
 * application (controllers, actuator endpoints and router functions alike) matches a scope rule or the public
 * list, so a new route cannot ship open. This context adds one route on purpose without a rule: the walk must
 * find exactly that one, and every token must be refused on it.
 */
@Import(DenyByDefaultTest.UnruledRoute.class)
class DenyByDefaultTest extends ApiIntegrationTest {

    static final String PROBE = "/api/v1/unruled-probe";

    @TestConfiguration
    static class UnruledRoute {
        @Bean
        UnruledController unruledController() {
            return new UnruledController();
        }
    }

    @RestController
    static class UnruledController {
        @GetMapping(PROBE)
        String probe() {
            return "this answer must never be seen";
        }
    }

    @Autowired
    ApplicationContext context;

    @Test
    void aRouteWithoutAScopeRuleIsRefusedForEveryToken() {
        for (String caller : List.of(allToken, token(null, "platform.admin"), token(tenant, "profile.read"))) {
            JsonNode refused = json(HttpMethod.GET, PROBE, caller, null, 403);
            assertThat(refused.path("success").asBoolean()).isFalse();
            assertThat(refused.path("message").asString()).contains("no scope rule");
        }
        exchange(HttpMethod.GET, PROBE, null, null, 401);
        // A path that is no route at all still says so.
        exchange(HttpMethod.GET, "/api/v1/no-such-route", allToken, null, 404);
        exchange(HttpMethod.PUT, "/api/v1/me", allToken, null, 405);
        exchange(HttpMethod.HEAD, "/api/v1/me", allToken, null, 200);
        // The actuator's index is an installation-wide read: the operator's, not a tenant's.
        exchange(HttpMethod.GET, "/actuator", allToken, null, 403);
        exchange(HttpMethod.GET, "/actuator", token(null, "platform.admin"), null, 200);
    }

    @Test
    void everyRegisteredRouteMatchesAScopeRuleOrThePublicList() {
        List<String> routes = new ArrayList<>();
        Set<String> unruled = new TreeSet<>();
        for (var mapping :
                context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
                    for (RequestMethod method : methods.isEmpty() ? EnumSet.allOf(RequestMethod.class) : methods) {
                        check(method.asHttpMethod(), pattern.getPatternString(), routes, unruled);
                    }
                }
            }
        }
        for (var mapping : context.getBeansOfType(RouterFunctionMapping.class).values()) {
            if (mapping.getRouterFunction() != null) {
                for (Map.Entry<HttpMethod, String> route : routesOf(mapping.getRouterFunction())) {
                    check(route.getKey(), route.getValue(), routes, unruled);
                }
            }
        }
        assertThat(routes).as("the walk sees the application's routes").hasSizeGreaterThan(50);
        assertThat(routes)
                .contains(
                        "PATCH /api/v1/accounts/{id}",
                        "GET /api/v1/rate-limit",
                        "GET /docs",
                        "GET /api/v1/audit/keys",
                        "POST /api/v1/websites",
                        "PATCH /api/v1/websites/{id}",
                        "DELETE /api/v1/websites/{id}");
        assertThat(unruled).containsExactly("GET " + PROBE);
        // The audit verify keys are public; the audit routes beside them still need their scope.
        assertThat(ScopeRules.decide(HttpMethod.GET, "/api/v1/audit/keys")).isEqualTo("public");
        assertThat(ScopeRules.decide(HttpMethod.GET, "/api/v1/audit/export")).isEqualTo("audit.read");
        // Websites: reads need websites.read, every change websites.write.
        assertThat(ScopeRules.decide(HttpMethod.GET, "/api/v1/websites")).isEqualTo("websites.read");
        assertThat(ScopeRules.decide(HttpMethod.GET, "/api/v1/websites/x1")).isEqualTo("websites.read");
        assertThat(ScopeRules.decide(HttpMethod.POST, "/api/v1/websites")).isEqualTo("websites.write");
        assertThat(ScopeRules.decide(HttpMethod.PATCH, "/api/v1/websites/x1")).isEqualTo("websites.write");
        assertThat(ScopeRules.decide(HttpMethod.DELETE, "/api/v1/websites/x1")).isEqualTo("websites.write");
    }

    private static void check(HttpMethod method, String pattern, List<String> routes, Set<String> unruled) {
        if (method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS) || method.equals(HttpMethod.TRACE)) {
            return;
        }
        routes.add(method.name() + " " + pattern);
        String path = pattern.replaceAll("\\{\\*[^}]+}", "x")
                .replaceAll("\\{[^}]+}", "x1")
                .replace("**", "x")
                .replace("*", "x");
        if (ScopeRules.decide(method, path) == null) {
            unruled.add(method.name() + " " + pattern);
        }
    }

    /** The (method, path) pairs a router function's predicates name; a route without a method is checked as GET. */
    private static List<Map.Entry<HttpMethod, String>> routesOf(RouterFunction<?> function) {
        List<Map.Entry<HttpMethod, String>> found = new ArrayList<>();
        for (RouterFunctionRoutes.Route route : RouterFunctionRoutes.of(function)) {
            for (HttpMethod method : route.methods().isEmpty() ? Set.of(HttpMethod.GET) : route.methods()) {
                found.add(Map.entry(method, route.path()));
            }
        }
        return found;
    }
}
