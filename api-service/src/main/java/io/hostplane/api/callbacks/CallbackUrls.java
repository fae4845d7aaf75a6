package io.hostplane.api.callbacks;

import io.hostplane.api.system.security.Cidr;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks callback URLs against request forgery: absolute {@code http(s)} with a host, no user info, at most
 * 2000 characters, and every address the host resolves to public — not loopback, private, link-local
 * (cloud metadata), unique-local, multicast or unspecified — unless an operator listed it in
 * {@code hostplane.callbacks.allowed-hosts}. Checked when a job names the URL and again before every
 * delivery (a name can resolve elsewhere later).
 */
@Component
public class CallbackUrls {

    private final List<Cidr> allowed;

    @Autowired
    CallbackUrls(CallbackProperties properties) {
        this(properties.allowedHosts(), "hostplane.callbacks.allowed-hosts");
    }

    /**
     * The same checks with another operator allow-list ({@code setting} names it in errors): audit stream sinks
     * pass them unless {@code hostplane.audit.streams.allowed-hosts} lists their address.
     */
    public CallbackUrls(List<String> allowedHosts, String setting) {
        this.allowed = Cidr.parseAll(allowedHosts, setting);
    }

    /** Why {@code host} may not be reached (it does not resolve, or resolves to an internal address), or empty. */
    public Mono<String> hostProblem(String host) {
        return Mono.fromCallable(() -> addressProblem(host))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Mono::justOrEmpty);
    }

    /** Whether an operator allowed {@code address} although it is internal. */
    public boolean allowed(InetAddress address) {
        return allowed.stream().anyMatch(c -> c.contains(address));
    }

    /** Why {@code url} may not be used, or empty when it may; resolves the host off the event loop. */
    public Mono<String> problem(String url) {
        String shape = shapeProblem(url);
        if (shape != null) {
            return Mono.just(shape);
        }
        String host = URI.create(url).getHost();
        return Mono.fromCallable(() -> addressProblem(host))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Mono::justOrEmpty);
    }

    /** Why {@code url} is not an acceptable callback URL by its form alone, or null. */
    public static String shapeProblem(String url) {
        if (url == null || url.isBlank() || url.length() > 2000) {
            return "An absolute http(s) URL of at most 2000 characters.";
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "Not a URL.";
        }
        if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            return "Only http and https callbacks are sent.";
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return "The URL needs a host and may carry no user info or fragment.";
        }
        return null;
    }

    private String addressProblem(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return "The host " + host + " does not resolve.";
        }
        for (InetAddress a : addresses) {
            if (isInternal(a) && allowed.stream().noneMatch(c -> c.contains(a))) {
                return "The host resolves to an internal address (" + a.getHostAddress()
                        + "); only public addresses are reached unless the operator allows this one.";
            }
        }
        return null;
    }

    public static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isAnyLocalAddress()
                || a.isLinkLocalAddress()
                || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        return first == 0 // 0.0.0.0/8
                || (first == 100 && second >= 64 && second < 128) // 100.64.0.0/10 shared address space
                || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // 192.0.0.0/24 protocol assignments
                || (first == 198 && (second == 18 || second == 19)) // 198.18.0.0/15 benchmarking
                || first >= 240; // reserved and broadcast
    }
}
