package io.hostplane.api.callbacks;

import io.hostplane.common.net.Addresses;
import io.hostplane.common.net.Cidr;
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
        return Addresses.isInternal(a);
    }
}
