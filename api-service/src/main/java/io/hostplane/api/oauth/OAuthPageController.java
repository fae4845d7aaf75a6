package io.hostplane.api.oauth;

import io.hostplane.api.ratelimit.TokenRateLimiters;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.ClientAddress;
import io.hostplane.api.system.RequestForms;
import io.hostplane.api.users.Passwords;
import io.hostplane.api.users.UserStore;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The user's side of the device flow, as plain server-rendered HTML (no script): {@code redirect_url} opens
 * {@code GET /oauth/authorize/{id}}, which shows the app, its homepage and the scopes it asks for, and a
 * sign-in form; once signed in, Approve and Deny buttons.
 *
 * <p>Against forgery: the session cookie is {@code HttpOnly} and {@code SameSite=Strict}; every POST must
 * come from this origin (the {@code Origin} header, when the browser sends one) and the decision form
 * carries a CSRF token bound to the session and the request. Against guessing: sign-in attempts are limited
 * per client address ({@code hostplane.rate-limit.sign-in-limit}); a wrong user name and a wrong password
 * give the same answer in the same time. Against framing: {@code frame-ancestors 'none'}.
 */
@RestController
class OAuthPageController {

    private final OAuthRequestStore requests;
    private final OAuthService service;
    private final OAuthSessions sessions;
    private final OAuthProperties properties;
    private final UserStore users;
    private final Passwords passwords;
    private final TokenRateLimiters limiters;

    OAuthPageController(
            OAuthRequestStore requests,
            OAuthService service,
            OAuthSessions sessions,
            OAuthProperties properties,
            UserStore users,
            Passwords passwords,
            TokenRateLimiters limiters) {
        this.requests = requests;
        this.service = service;
        this.sessions = sessions;
        this.properties = properties;
        this.users = users;
        this.passwords = passwords;
        this.limiters = limiters;
    }

    @GetMapping("/oauth/authorize/{id}")
    Mono<ResponseEntity<String>> show(@PathVariable String id, ServerWebExchange exchange) {
        return withRequest(
                id,
                r -> signedInUser(exchange)
                        .map(user -> page(HttpStatus.OK, consent(r, user, cookie(exchange), null)))
                        .defaultIfEmpty(page(HttpStatus.OK, signIn(r, null))));
    }

    @PostMapping(path = "/oauth/authorize/{id}/sign-in", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    Mono<ResponseEntity<String>> signIn(@PathVariable String id, ServerWebExchange exchange) {
        if (!sameOrigin(exchange)) {
            return Mono.just(
                    page(HttpStatus.FORBIDDEN, message("Refused", "This form can only be sent from this site.")));
        }
        var decision = limiters.acquireSignIn(ClientAddress.of(exchange).getHostAddress());
        if (!decision.permitted()) {
            return Mono.just(ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(decision.retryAfterSeconds()))
                    .headers(h -> h.addAll(securityHeaders()))
                    .contentType(MediaType.TEXT_HTML)
                    .body(message(
                            "Too many attempts",
                            "Too many sign-in attempts from your address; try again in " + decision.retryAfterSeconds()
                                    + " seconds.")));
        }
        return RequestForms.read(exchange)
                .flatMap(form -> withRequest(id, r -> {
                    String username = first(form, "username").toLowerCase(Locale.ROOT);
                    String password = first(form, "password");
                    return users.findForSignIn(username)
                            .map(Optional::of)
                            .defaultIfEmpty(Optional.empty())
                            .flatMap(found -> passwords
                                    .matches(
                                            password,
                                            found.map(UserStore.Credentials::passwordHash)
                                                    .orElse(null))
                                    .map(ok -> ok
                                            ? found.map(UserStore.Credentials::user)
                                            : Optional.<UserStore.User>empty()))
                            .map(signedIn -> {
                                if (signedIn.isEmpty()) {
                                    return page(HttpStatus.UNAUTHORIZED, signIn(r, "Wrong user name or password."));
                                }
                                String value = sessions.issue(
                                        signedIn.get().id(), Instant.now().plus(properties.sessionLifetime()));
                                ResponseCookie cookie = ResponseCookie.from(OAuthSessions.COOKIE, value)
                                        .httpOnly(true)
                                        .secure("https"
                                                .equals(exchange.getRequest()
                                                        .getURI()
                                                        .getScheme()))
                                        .sameSite("Strict")
                                        .path("/oauth/")
                                        .maxAge(properties.sessionLifetime())
                                        .build();
                                return ResponseEntity.status(HttpStatus.SEE_OTHER)
                                        .header(HttpHeaders.LOCATION, "/oauth/authorize/" + r.id())
                                        .header(HttpHeaders.SET_COOKIE, cookie.toString())
                                        .headers(h -> h.addAll(securityHeaders()))
                                        .<String>build();
                            });
                }));
    }

    @PostMapping(path = "/oauth/authorize/{id}/decision", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    Mono<ResponseEntity<String>> decide(@PathVariable String id, ServerWebExchange exchange) {
        if (!sameOrigin(exchange)) {
            return Mono.just(
                    page(HttpStatus.FORBIDDEN, message("Refused", "This form can only be sent from this site.")));
        }
        String cookie = cookie(exchange);
        return RequestForms.read(exchange)
                .flatMap(form -> withRequest(
                        id,
                        r -> signedInUser(exchange)
                                .map(Optional::of)
                                .defaultIfEmpty(Optional.empty())
                                .flatMap(signedIn -> {
                                    if (signedIn.isEmpty()) {
                                        return Mono.just(
                                                page(HttpStatus.UNAUTHORIZED, signIn(r, "Please sign in again.")));
                                    }
                                    UserStore.User user = signedIn.get();
                                    if (!sessions.csrfMatches(cookie, r.id(), first(form, "csrf"))) {
                                        return Mono.just(
                                                page(
                                                        HttpStatus.FORBIDDEN,
                                                        message(
                                                                "Refused",
                                                                "The form was not sent from this page; reload it and try again.")));
                                    }
                                    String decision = first(form, "decision");
                                    if (!decision.equals("approve") && !decision.equals("deny")) {
                                        return Mono.error(ApiException.badRequest(
                                                "decision must be approve or deny.",
                                                List.of(new FieldError(
                                                        "decision", ErrorCodes.INVALID, "approve or deny."))));
                                    }
                                    boolean approve = decision.equals("approve");
                                    if (approve) {
                                        List<String> missing = OAuthService.ungrantable(r, user);
                                        if (!missing.isEmpty()) {
                                            return Mono.just(page(
                                                    HttpStatus.FORBIDDEN,
                                                    consent(
                                                            r,
                                                            user,
                                                            cookie,
                                                            "You cannot grant " + String.join(", ", missing)
                                                                    + "; ask your administrator, or deny.")));
                                        }
                                    }
                                    String ip = ClientAddress.of(exchange).getHostAddress();
                                    return service.decide(r, user, approve, ip).map(done -> {
                                        if (!done) {
                                            return page(
                                                    HttpStatus.CONFLICT,
                                                    message(
                                                            "Too late",
                                                            "This request was already decided or has expired."));
                                        }
                                        String back = r.returnUrl() == null
                                                ? ""
                                                : "<p><a id=\"return\" href=\"" + Html.escape(r.returnUrl())
                                                        + "\">Return to " + Html.escape(r.appName()) + "</a></p>";
                                        return approve
                                                ? page(
                                                        HttpStatus.OK,
                                                        Html.page(
                                                                "Access granted",
                                                                "<p id=\"outcome\">Access granted to <strong>"
                                                                        + Html.escape(r.appName())
                                                                        + "</strong>. You can close this page.</p>"
                                                                        + back))
                                                : page(
                                                        HttpStatus.OK,
                                                        Html.page(
                                                                "Access denied",
                                                                "<p id=\"outcome\">Access denied to <strong>"
                                                                        + Html.escape(r.appName())
                                                                        + "</strong>. It receives no token.</p>"
                                                                        + back));
                                    });
                                })));
    }

    /** Runs {@code action} for a request that is still open; otherwise answers with a page saying why not. */
    private Mono<ResponseEntity<String>> withRequest(
            String id,
            java.util.function.Function<OAuthRequestStore.OAuthRequest, Mono<ResponseEntity<String>>> action) {
        if (id.length() > 64) {
            return Mono.just(notFound());
        }
        return requests.findById(id)
                .flatMap(r -> {
                    if (r.isExpiredAt(Instant.now())) {
                        return Mono.just(page(
                                HttpStatus.GONE,
                                message(
                                        "Request expired",
                                        "This authorization request has expired. Start again from the app.")));
                    }
                    if (!r.isPending()) {
                        return Mono.just(page(
                                HttpStatus.CONFLICT,
                                message("Already decided", "This request was already " + r.status() + ".")));
                    }
                    return action.apply(r);
                })
                .switchIfEmpty(Mono.fromSupplier(OAuthPageController::notFound));
    }

    private Mono<UserStore.User> signedInUser(ServerWebExchange exchange) {
        return Mono.justOrEmpty(sessions.userOf(cookie(exchange), Instant.now()))
                .flatMap(users::findById);
    }

    private static String cookie(ServerWebExchange exchange) {
        HttpCookie c = exchange.getRequest().getCookies().getFirst(OAuthSessions.COOKIE);
        return c == null ? null : c.getValue();
    }

    /** A POST must come from our own origin when the browser says where it comes from. */
    private boolean sameOrigin(ServerWebExchange exchange) {
        String origin = exchange.getRequest().getHeaders().getOrigin();
        return origin == null || origin.equals(OAuthRequestController.publicUrl(exchange, properties));
    }

    private String signIn(OAuthRequestStore.OAuthRequest r, String error) {
        return Html.page(
                "Sign in to authorize " + r.appName(),
                about(r)
                        + (error == null ? "" : "<p class=\"error\" id=\"error\">" + Html.escape(error) + "</p>")
                        + "<form method=\"post\" action=\"/oauth/authorize/" + Html.escape(r.id()) + "/sign-in\">"
                        + "<label>User name <input id=\"username\" name=\"username\" autocomplete=\"username\" required></label>"
                        + "<label>Password <input id=\"password\" name=\"password\" type=\"password\" "
                        + "autocomplete=\"current-password\" required></label>"
                        + "<button id=\"sign-in\" type=\"submit\">Sign in</button></form>");
    }

    private String consent(OAuthRequestStore.OAuthRequest r, UserStore.User user, String cookie, String error) {
        String form = "<form method=\"post\" action=\"/oauth/authorize/" + Html.escape(r.id()) + "/decision\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"" + sessions.csrf(cookie, r.id()) + "\">"
                + "<button id=\"approve\" name=\"decision\" value=\"approve\" type=\"submit\">Approve</button> "
                + "<button id=\"deny\" name=\"decision\" value=\"deny\" type=\"submit\">Deny</button></form>";
        return Html.page(
                "Authorize " + r.appName(),
                about(r) + "<p>Signed in as <strong id=\"user\">" + Html.escape(user.username()) + "</strong>.</p>"
                        + (error == null ? "" : "<p class=\"error\" id=\"error\">" + Html.escape(error) + "</p>")
                        + form);
    }

    private static String about(OAuthRequestStore.OAuthRequest r) {
        StringBuilder scopes = new StringBuilder("<ul id=\"scopes\">");
        for (String s : r.scopes()) {
            scopes.append("<li><code>")
                    .append(Html.escape(s))
                    .append("</code> ")
                    .append(Html.escape(OAuthScopesController.describe(s)))
                    .append("</li>");
        }
        scopes.append("</ul>");
        String home = r.homepage() == null
                ? ""
                : " (<a href=\"" + Html.escape(r.homepage()) + "\" rel=\"noopener noreferrer\">"
                        + Html.escape(r.homepage()) + "</a>)";
        return "<p><strong id=\"app\">" + Html.escape(r.appName()) + "</strong>" + home
                + " asks for access to your Hostplane account:</p>" + scopes
                + "<p class=\"small\">This request expires at " + r.expiresAt() + ".</p>";
    }

    private static String message(String title, String text) {
        return Html.page(title, "<p id=\"outcome\">" + Html.escape(text) + "</p>");
    }

    private static ResponseEntity<String> notFound() {
        return page(HttpStatus.NOT_FOUND, message("Not found", "There is no such authorization request."));
    }

    private static ResponseEntity<String> page(HttpStatus status, String html) {
        return ResponseEntity.status(status)
                .headers(h -> h.addAll(securityHeaders()))
                .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .body(html);
    }

    private static HttpHeaders securityHeaders() {
        HttpHeaders h = new HttpHeaders();
        h.set(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        h.set("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on our own form posts.
        h.set("Referrer-Policy", "same-origin");
        h.set(HttpHeaders.CACHE_CONTROL, "no-store");
        return h;
    }

    private static String first(MultiValueMap<String, String> form, String name) {
        String v = form.getFirst(name);
        return v == null ? "" : v;
    }
}
