package io.hostplane.worker.website;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.worker.system.JobFailure;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a website as nginx server blocks, and the default server. Pure: what it writes depends on its
 * arguments only.
 *
 * <p>Nothing from a command reaches nginx's configuration language unchecked, and nothing is quoted: every name
 * must be a lower-case DNS name (letters, digits, hyphens, dots; at most 253 characters), the upstream a plain
 * {@code http} or {@code https} URL (a DNS name or IP literal, a port, a path of unreserved characters) and its
 * pinned address an IP literal; anything else is refused with {@code INVALID}, even though the API checked first.
 * The operator's folders and listen address are checked the same way when the worker starts.
 */
final class ServerBlocks {

    static final String STATIC = "static";
    static final String PROXY = "proxy";
    static final String AUTO = "auto";
    static final String OFF = "off";
    static final String REDIRECT = "redirect";

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final Pattern URL =
            Pattern.compile("(http|https)://([a-z0-9.-]+|\\[[0-9a-f:.]+\\])(?::([0-9]{1,5}))?(/[A-Za-z0-9._~/-]*)?");
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/@+-]*");
    private static final int MAX_NAMES = 100;

    private final Path sitesDir;
    private final Path certDir;
    private final String listenAddress;
    private final int httpPort;
    private final int httpsPort;

    /**
     * @param sitesDir the live roots' folder ({@code hostplane.backup.sites-dir})
     * @param certDir the certificates' folder ({@code hostplane.ssl.nginx.cert-dir})
     * @param listenAddress an IP literal, or empty for every address
     */
    ServerBlocks(Path sitesDir, Path certDir, String listenAddress, int httpPort, int httpsPort) {
        this.sitesDir = operatorPath("hostplane.backup.sites-dir", sitesDir);
        this.certDir = operatorPath("hostplane.ssl.nginx.cert-dir", certDir);
        if (listenAddress == null || listenAddress.isBlank()) {
            this.listenAddress = "";
        } else {
            String address = ipLiteral(listenAddress.trim());
            if (address == null) {
                throw new IllegalStateException(
                        "hostplane.websites.nginx.listen-address must be an IP address or empty, not " + listenAddress);
            }
            this.listenAddress = address;
        }
        this.httpPort = operatorPort("hostplane.websites.nginx.http-port", httpPort);
        this.httpsPort = operatorPort("hostplane.websites.nginx.https-port", httpsPort);
    }

    /** The website of a command, checked: what {@link #render} accepts. */
    record Site(String websiteId, String domain, List<String> names, String kind, Upstream upstream, String https) {

        List<String> aliases() {
            return names.subList(1, names.size());
        }
    }

    /**
     * A checked upstream: {@code address} (an IP literal, in brackets for IPv6) is where nginx connects,
     * {@code host} what it sends as {@code Host} (with the port when it is not the scheme's own).
     */
    record Upstream(String scheme, String host, int port, String path, String address) {

        String hostHeader() {
            boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
            return defaultPort ? host : host + ":" + port;
        }

        String tlsName() {
            return host.startsWith("[") ? null : host;
        }
    }

    /** Checks everything of {@code website} that can reach a server block; throws {@code INVALID} otherwise. */
    static Site check(ApplyWebsite website) {
        if (website == null) {
            throw invalid("The command carries no website.");
        }
        String id = website.websiteId();
        if (id == null || !ID.matcher(id).matches()) {
            throw invalid("Website id " + shown(id) + " is not an id.");
        }
        String domain = name(website.domain(), "domain");
        Set<String> names = new LinkedHashSet<>();
        names.add(domain);
        if (website.aliases() != null) {
            for (String alias : website.aliases()) {
                names.add(name(alias, "alias"));
            }
        }
        if (names.size() > MAX_NAMES) {
            throw invalid("A website has at most " + (MAX_NAMES - 1) + " aliases.");
        }
        String https = website.https() == null ? AUTO : website.https();
        if (!List.of(AUTO, OFF, REDIRECT).contains(https)) {
            throw invalid("https must be auto, off or redirect, not " + shown(https) + ".");
        }
        String kind = website.kind();
        Upstream upstream;
        if (STATIC.equals(kind)) {
            upstream = null;
        } else if (PROXY.equals(kind)) {
            upstream = upstream(website.upstream(), website.upstreamAddress());
        } else {
            throw invalid("kind must be static or proxy, not " + shown(kind) + ".");
        }
        return new Site(id, domain, List.copyOf(names), kind, upstream, https);
    }

    /** A lower-case DNS name of at least two labels, at most 253 characters; anything else is refused. */
    static String name(String name, String what) {
        if (!isName(name)) {
            throw invalid("The " + what + " " + shown(name) + " is not a lower-case DNS name.");
        }
        return name;
    }

    static boolean isName(String name) {
        if (name == null || name.isEmpty() || name.length() > 253) {
            return false;
        }
        String[] labels = name.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    static Upstream upstream(String url, String pinned) {
        if (url == null) {
            throw invalid("A proxy website needs an upstream.");
        }
        // Scheme and host are case-insensitive: lower-cased first (ASCII only), then checked character by character.
        Matcher m = URL.matcher(lowerSchemeAndHost(url));
        if (!m.matches()) {
            throw invalid("The upstream " + shown(url) + " is not a plain http or https URL (a host name or IP"
                    + " address, a port, a path of letters, digits and . _ ~ / -).");
        }
        String scheme = m.group(1);
        String host = m.group(2);
        if (host.startsWith("[")) {
            String literal = ipLiteral(host.substring(1, host.length() - 1));
            if (literal == null || !literal.startsWith("[")) {
                throw invalid("The upstream's host " + shown(host) + " is not an IPv6 address.");
            }
            host = literal;
        } else if (!IPV4.matcher(host).matches() && !isName(host)) {
            throw invalid("The upstream's host " + shown(host) + " is not a DNS name or an IP address.");
        }
        int port = "https".equals(scheme) ? 443 : 80;
        if (m.group(3) != null) {
            port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw invalid("The upstream's port " + port + " is not a port.");
            }
        }
        String path = m.group(4) == null ? "" : m.group(4);
        String address = pinned == null ? null : ipLiteral(pinned);
        if (address == null) {
            throw invalid("The upstream's pinned address " + shown(pinned) + " is not an IP address.");
        }
        return new Upstream(scheme, host, port, path, address);
    }

    private static String lowerSchemeAndHost(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return url;
        }
        int end = url.indexOf('/', start + 3);
        end = end < 0 ? url.length() : end;
        String head = url.substring(0, end);
        return (head.chars().allMatch(c -> c < 128) ? head.toLowerCase(Locale.ROOT) : head) + url.substring(end);
    }

    /**
     * An IP literal as nginx is given it (IPv6 in brackets), or null when {@code text} is not one. Nothing is
     * resolved: only digits, hex letters, dots and colons are looked at.
     */
    static String ipLiteral(String text) {
        if (text == null) {
            return null;
        }
        if (IPV4.matcher(text).matches()) {
            return text;
        }
        if (!text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
            return null;
        }
        try {
            // In brackets, this parses an IPv6 literal or fails; it never looks a name up.
            InetAddress address = InetAddress.getByName("[" + text + "]");
            String canonical = address.getHostAddress();
            if (address instanceof java.net.Inet6Address) {
                return "[" + canonical + "]";
            }
            return IPV4.matcher(canonical).matches() ? canonical : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    Path certificate(String domain) {
        return certDir.resolve(domain + ".crt");
    }

    Path key(String domain) {
        return certDir.resolve(domain + ".key");
    }

    Path root(String domain) {
        return sitesDir.resolve(domain);
    }

    /**
     * The website's server blocks: one on the http port, and, when {@code certificate} (the domain's certificate
     * and key are installed) and https is not {@code off}, one on the https port with them; with {@code redirect}
     * the http block then only redirects to https.
     */
    String render(Site site, boolean certificate) {
        boolean tls = certificate && !OFF.equals(site.https());
        String names = String.join(" ", site.names());
        List<String> out = new ArrayList<>();
        out.add("# Website " + site.websiteId() + " (" + site.domain() + "), " + site.kind()
                + ". Written by the Hostplane worker; replaced on every change.");
        out.add("server {");
        out.add("    listen " + listen(httpPort) + ";");
        out.add("    server_name " + names + ";");
        if (tls && REDIRECT.equals(site.https())) {
            out.add("    return 301 https://$host" + (httpsPort == 443 ? "" : ":" + httpsPort) + "$request_uri;");
        } else {
            body(site, out);
        }
        out.add("}");
        if (tls) {
            out.add("server {");
            out.add("    listen " + listen(httpsPort) + " ssl;");
            out.add("    server_name " + names + ";");
            out.add("    ssl_certificate " + certificate(site.domain()) + ";");
            out.add("    ssl_certificate_key " + key(site.domain()) + ";");
            body(site, out);
            out.add("}");
        }
        return String.join("\n", out) + "\n";
    }

    private void body(Site site, List<String> out) {
        if (STATIC.equals(site.kind())) {
            out.add("    root " + root(site.domain()) + ";");
            out.add("    index index.html;");
            out.add("    location / {");
            out.add("        try_files $uri $uri/ =404;");
            out.add("    }");
            return;
        }
        Upstream upstream = site.upstream();
        out.add("    location / {");
        out.add("        proxy_pass " + upstream.scheme() + "://" + upstream.address() + ":" + upstream.port()
                + upstream.path() + ";");
        out.add("        proxy_set_header Host " + upstream.hostHeader() + ";");
        out.add("        proxy_set_header X-Real-IP $remote_addr;");
        out.add("        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
        out.add("        proxy_set_header X-Forwarded-Proto $scheme;");
        out.add("        proxy_set_header X-Forwarded-Host $host;");
        if ("https".equals(upstream.scheme()) && upstream.tlsName() != null) {
            out.add("        proxy_ssl_server_name on;");
            out.add("        proxy_ssl_name " + upstream.tlsName() + ";");
        }
        out.add("    }");
    }

    /**
     * The default server: connections for a name no website has are closed without an answer (444), and, with
     * {@code rejectHandshake} (nginx 1.19.4 and later), TLS handshakes for them are refused.
     */
    String defaultServer(boolean rejectHandshake) {
        List<String> out = new ArrayList<>();
        out.add("# The default server: names no website has get no answer. Written by the Hostplane worker.");
        out.add("server {");
        out.add("    listen " + listen(httpPort) + " default_server;");
        out.add("    server_name _;");
        out.add("    return 444;");
        out.add("}");
        if (rejectHandshake) {
            out.add("server {");
            out.add("    listen " + listen(httpsPort) + " ssl default_server;");
            out.add("    server_name _;");
            out.add("    ssl_reject_handshake on;");
            out.add("    return 444;");
            out.add("}");
        }
        return String.join("\n", out) + "\n";
    }

    private String listen(int port) {
        return listenAddress.isEmpty() ? Integer.toString(port) : listenAddress + ":" + port;
    }

    private static Path operatorPath(String key, Path path) {
        if (path == null) {
            throw new IllegalStateException(key + " must be set for websites");
        }
        Path absolute = path.toAbsolutePath().normalize();
        if (!SAFE_PATH.matcher(absolute.toString()).matches()) {
            throw new IllegalStateException(key + " (" + absolute + ") may contain only letters, digits and . _ / @ + -"
                    + " to be named in nginx's configuration");
        }
        return absolute;
    }

    private static int operatorPort(String key, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalStateException(key + " must be a port, not " + port);
        }
        return port;
    }

    private static JobFailure invalid(String message) {
        return new JobFailure(ErrorCodes.INVALID, message);
    }

    /** A value for a message: short, and with control characters made visible. */
    private static String shown(String value) {
        if (value == null) {
            return "(none)";
        }
        String s = value.length() > 80 ? value.substring(0, 80) + "…" : value;
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append(Character.toChars(c));
            }
        });
        return out.append('"').toString();
    }
}
