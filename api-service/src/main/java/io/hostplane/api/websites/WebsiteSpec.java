package io.hostplane.api.websites;

import io.hostplane.api.domains.DomainNames;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * A website as {@code POST /api/v1/websites} takes it (and as a {@code PATCH} leaves it once the merge patch is
 * applied). Nothing here reaches nginx's configuration language unchecked: names are DNS names, the upstream a URL
 * of a fixed shape (its address is pinned separately, {@link Upstreams}).
 *
 * @param domain the owned, active domain served (normalised)
 * @param aliases further names (normalised, distinct, not the domain)
 * @param kind {@code static} or {@code proxy}
 * @param upstream proxy: {@code http(s)://host[:port][/path]}; null for static
 * @param https {@code auto}, {@code off} or {@code redirect}
 */
record WebsiteSpec(String domain, List<String> aliases, String kind, String upstream, String https) {

    static final String STATIC = "static";
    static final String PROXY = "proxy";
    static final List<String> HTTPS = List.of("auto", "off", "redirect");
    static final int MAX_ALIASES = 20;
    static final int MAX_UPSTREAM = 500;
    static final Set<String> MEMBERS = Set.of("domain", "aliases", "kind", "upstream", "https");

    /** A path nginx may be given as it is: no variables, separators, quotes, spaces or escapes. */
    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~\\-]*)*");

    static WebsiteSpec from(JsonNode body, String message) {
        return RequestFields.bind(body, message, WebsiteSpec::read);
    }

    private static WebsiteSpec read(RequestFields f) {
        if (!f.isObject()) {
            f.rejectThis(ErrorCodes.INVALID, "The body is a JSON object.");
            return null;
        }
        for (String name : f.names()) {
            if (!MEMBERS.contains(name)) {
                f.reject(name, ErrorCodes.UNSUPPORTED, "A website has no member " + name + ".");
            }
        }
        String rawDomain = f.requiredText("domain", ErrorCodes.REQUIRED, "The domain the website serves.");
        String domain = null;
        if (rawDomain != null) {
            domain = DomainNames.normalise(rawDomain).orElse(null);
            if (domain == null) {
                f.reject("domain", ErrorCodes.INVALID, "Not a domain name.");
            }
        }
        List<String> rawAliases = f.texts("aliases", ErrorCodes.INVALID, "A list of names.", "A name.");
        List<String> aliases = new ArrayList<>();
        if (rawAliases != null) {
            if (rawAliases.size() > MAX_ALIASES) {
                f.reject("aliases", ErrorCodes.TOO_LARGE, "At most " + MAX_ALIASES + " aliases.");
            } else {
                Set<String> seen = new LinkedHashSet<>();
                for (int i = 0; i < rawAliases.size(); i++) {
                    String alias = DomainNames.normalise(rawAliases.get(i)).orElse(null);
                    if (alias == null) {
                        f.reject("aliases[" + i + "]", ErrorCodes.INVALID, "Not a host name.");
                    } else if (alias.equals(domain) || !seen.add(alias)) {
                        f.reject("aliases[" + i + "]", ErrorCodes.INVALID, "Named twice (or the domain itself).");
                    }
                }
                aliases.addAll(seen);
            }
        }
        String kind = f.requiredText("kind", ErrorCodes.REQUIRED, "static or proxy.");
        if (kind != null && !kind.equals(STATIC) && !kind.equals(PROXY)) {
            f.reject("kind", ErrorCodes.INVALID, "static or proxy.");
            kind = null;
        }
        String upstream = f.text("upstream", ErrorCodes.INVALID, "The upstream URL, a string.");
        if (PROXY.equals(kind)) {
            if (upstream == null) {
                f.reject("upstream", ErrorCodes.REQUIRED, "A proxy website passes requests to an upstream URL.");
            } else {
                String problem = upstreamProblem(upstream);
                if (problem != null) {
                    f.reject("upstream", ErrorCodes.INVALID, problem);
                }
            }
        } else if (STATIC.equals(kind) && upstream != null) {
            f.reject("upstream", ErrorCodes.UNSUPPORTED, "A static website has no upstream.");
        }
        String https = f.text("https", ErrorCodes.INVALID, "auto, off or redirect.");
        if (https != null && !HTTPS.contains(https)) {
            f.reject("https", ErrorCodes.INVALID, "auto, off or redirect.");
        }
        return new WebsiteSpec(domain, List.copyOf(aliases), kind, upstream, https == null ? "auto" : https);
    }

    /** Why {@code url} cannot be an upstream, by its form alone, or null. */
    static String upstreamProblem(String url) {
        if (url.length() > MAX_UPSTREAM) {
            return "At most " + MAX_UPSTREAM + " characters.";
        }
        for (char c : url.toCharArray()) {
            if (c <= ' ' || c == 0x7f || c == '$' || c == ';' || c == '"' || c == '\'' || c == '{' || c == '}'
                    || c == '\\' || c > 0x7e) {
                return "An upstream URL holds no whitespace, control characters, $, ;, quotes, braces or backslashes.";
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return "Not a URL.";
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            return "http:// or https://.";
        }
        if (uri.getHost() == null
                || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return "A host, an optional port and path; no user info, query or fragment.";
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return "The port is 1 to 65535.";
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!PATH.matcher(path).matches()) {
            return "The path may hold letters, digits and . _ ~ - / only.";
        }
        return null;
    }

    /** Every name the website answers to: the domain, then the aliases. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(domain);
        names.addAll(aliases);
        return names;
    }
}
