package io.hostplane.api.audit;

import io.hostplane.api.callbacks.CallbackUrls;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What an audit stream is, as {@code POST /api/v1/audit/streams} takes it (and as a {@code PATCH} leaves it once
 * the merge patch is applied): where it delivers and which events. Credentials ({@code token}, {@code ca_pem})
 * are here in clear only on their way to being sealed; {@link #toString()} never shows them.
 *
 * @param kind {@code http} (Splunk HEC shaped batches) or {@code syslog} (RFC 5424 over TLS)
 * @param url http: the collector's URL (https; plain http only for an allow-listed host)
 * @param host syslog: the collector's name or address
 * @param port syslog: its TLS port
 * @param token http: the bearer or HEC token, or null
 * @param tokenType http: {@code bearer} or {@code splunk}, the Authorization scheme the token is sent with
 * @param caPem the CA certificates (PEM) the sink's certificate must chain to instead of the default trust store
 * @param tenant the tenant whose events it carries; null: the caller's own (every tenant for an operator)
 * @param types the event types carried; empty: every type
 * @param description free text for people
 */
record AuditStreamSpec(
        String kind,
        String url,
        String host,
        Integer port,
        String token,
        String tokenType,
        String caPem,
        String tenant,
        List<String> types,
        String description) {

    static final String HTTP = "http";
    static final String SYSLOG = "syslog";
    static final int MAX_TYPES = 50;
    static final int MAX_DESCRIPTION = 200;
    static final int MAX_TOKEN = 4096;
    static final int MAX_CA_PEM = 65536;
    static final Set<String> MEMBERS =
            Set.of("kind", "url", "host", "port", "token", "token_type", "ca_pem", "tenant", "types", "description");

    private static final Pattern HOST =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]+");

    /** Reads a whole stream from {@code body}; a 400 naming every member that is missing or not as described. */
    static AuditStreamSpec from(JsonNode body, String message) {
        return RequestFields.bind(body, message, AuditStreamSpec::read);
    }

    private static AuditStreamSpec read(RequestFields f) {
        if (!f.isObject()) {
            f.rejectThis(ErrorCodes.INVALID, "The body is a JSON object.");
            return null;
        }
        for (String name : f.names()) {
            if (!MEMBERS.contains(name)) {
                f.reject(name, ErrorCodes.UNSUPPORTED, "An audit stream has no member " + name + ".");
            }
        }
        String kind = f.requiredText("kind", ErrorCodes.REQUIRED, "http or syslog.");
        if (kind != null && !kind.equals(HTTP) && !kind.equals(SYSLOG)) {
            f.reject("kind", ErrorCodes.INVALID, "http or syslog.");
            kind = null;
        }
        String url = f.text("url", ErrorCodes.INVALID, "The collector's URL, a string.");
        String host = f.text("host", ErrorCodes.INVALID, "The collector's host name or address, a string.");
        Long port = f.integer("port", 1, 65535);
        String token = f.text("token", ErrorCodes.INVALID, "The token, a string.");
        String tokenType = f.text("token_type", ErrorCodes.INVALID, "bearer or splunk.");
        String caPem = f.text("ca_pem", ErrorCodes.INVALID, "PEM text of the CA certificates.");
        String tenant = f.text("tenant", ErrorCodes.INVALID, "A tenant id.");
        List<String> types = f.texts("types", ErrorCodes.INVALID, "A list of event types.", "An event type.");
        String description = f.text("description", ErrorCodes.INVALID, "A string.");

        if (HTTP.equals(kind)) {
            if (url == null) {
                f.reject("url", ErrorCodes.REQUIRED, "An http stream posts to a URL.");
            } else {
                String problem = CallbackUrls.shapeProblem(url);
                if (problem != null) {
                    f.reject("url", ErrorCodes.INVALID, problem);
                } else if (URI.create(url).getRawQuery() != null
                        && URI.create(url).getRawQuery().length() > 1000) {
                    f.reject("url", ErrorCodes.TOO_LARGE, "The query is too long.");
                }
            }
            notFor(f, "host", host, kind);
            notFor(f, "port", port, kind);
            if (tokenType != null && !tokenType.equals("bearer") && !tokenType.equals("splunk")) {
                f.reject("token_type", ErrorCodes.INVALID, "bearer or splunk.");
            }
            if (token != null
                    && (token.length() > MAX_TOKEN || !TOKEN.matcher(token).matches())) {
                f.reject("token", ErrorCodes.INVALID, "1 to " + MAX_TOKEN + " printable ASCII characters, no spaces.");
            }
            if (tokenType != null && token == null) {
                f.reject("token_type", ErrorCodes.UNSUPPORTED, "A token type goes with a token.");
            }
        } else if (SYSLOG.equals(kind)) {
            if (host == null) {
                f.reject("host", ErrorCodes.REQUIRED, "A syslog stream sends to a host.");
            } else if (!HOST.matcher(host).matches()) {
                f.reject("host", ErrorCodes.INVALID, "A host name or an IP address ([…] for IPv6).");
            }
            if (port == null && !f.has("port")) {
                f.reject("port", ErrorCodes.REQUIRED, "The collector's TLS port (6514 is syslog over TLS).");
            }
            notFor(f, "url", url, kind);
            notFor(f, "token", token, kind);
            notFor(f, "token_type", tokenType, kind);
        }
        if (caPem != null && caProblem(caPem) != null) {
            f.reject("ca_pem", ErrorCodes.INVALID, caProblem(caPem));
        }
        List<String> distinct = new ArrayList<>();
        if (types != null) {
            if (types.size() > MAX_TYPES) {
                f.reject("types", ErrorCodes.TOO_LARGE, "At most " + MAX_TYPES + " types.");
            }
            for (int i = 0; i < types.size(); i++) {
                String type = types.get(i);
                if (!AuditQuery.KNOWN_TYPES.contains(type)) {
                    f.reject("types[" + i + "]", ErrorCodes.INVALID, "Not an event type the platform emits.");
                }
            }
            distinct.addAll(new LinkedHashSet<>(types));
        }
        if (description != null
                && (description.length() > MAX_DESCRIPTION
                        || description.chars().anyMatch(Character::isISOControl))) {
            f.reject("description", ErrorCodes.INVALID, "At most " + MAX_DESCRIPTION + " characters, no control ones.");
        }
        return new AuditStreamSpec(
                kind,
                url,
                host,
                port == null ? null : port.intValue(),
                token,
                token == null ? null : tokenType == null ? "bearer" : tokenType,
                caPem,
                tenant,
                List.copyOf(distinct),
                description);
    }

    private static void notFor(RequestFields f, String name, Object value, String kind) {
        if (value != null) {
            f.reject(name, ErrorCodes.UNSUPPORTED, "A " + kind + " stream has no " + name + ".");
        }
    }

    /** Why {@code pem} is not a usable CA bundle, or null. The message never quotes the input. */
    static String caProblem(String pem) {
        if (pem.length() > MAX_CA_PEM) {
            return "At most " + MAX_CA_PEM + " characters of PEM.";
        }
        return certificates(pem).isEmpty() ? "PEM text of one or more X.509 CA certificates." : null;
    }

    /** The certificates of a CA bundle; empty when it is not one. */
    static List<X509Certificate> certificates(String pem) {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            return List.of();
        }
        try {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)))) {
                certs.add((X509Certificate) c);
            }
            return certs;
        } catch (CertificateException | RuntimeException e) {
            return List.of();
        }
    }

    /** The host the sink is at: the URL's for http, {@code host} for syslog (IPv6 without brackets). */
    String sinkHost() {
        String h = HTTP.equals(kind) ? URI.create(url).getHost() : host;
        return h != null && h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    /** The port the sink is at. */
    int sinkPort() {
        if (SYSLOG.equals(kind)) {
            return port;
        }
        URI uri = URI.create(url);
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Whether the sink speaks TLS: always for syslog, for https URLs. */
    boolean tls() {
        return SYSLOG.equals(kind) || "https".equalsIgnoreCase(URI.create(url).getScheme());
    }

    @Override
    public String toString() {
        return "AuditStreamSpec[kind=" + kind + ", host=" + sinkHostOrNull() + ", tenant=" + tenant + ", types=" + types
                + "]";
    }

    private String sinkHostOrNull() {
        try {
            return sinkHost();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
