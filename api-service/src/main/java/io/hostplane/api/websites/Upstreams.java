package io.hostplane.api.websites;

import io.hostplane.api.callbacks.CallbackUrls;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Comparator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Pins a proxy website's upstream: its host resolved once, when the change is accepted, every address checked as
 * a callback URL's is (public only, unless {@code hostplane.websites.upstream-allowed-hosts} allows it), and one
 * address (IPv4 first) kept. The web server connects to that address and never resolves the name itself, so a
 * name re-pointed later at an internal address reaches nothing until the tenant changes the website again.
 */
@Component
class Upstreams {

    private final CallbackUrls checks;

    Upstreams(WebsiteProperties properties) {
        this.checks = new CallbackUrls(properties.upstreamAllowedHosts(), "hostplane.websites.upstream-allowed-hosts");
    }

    /** The pinned address (its text form), or a 400's field error. */
    Mono<String> pin(String upstream) {
        return Mono.fromCallable(() -> resolve(URI.create(upstream).getHost()))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private String resolve(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw refusal("The upstream's host " + host + " does not resolve.");
        }
        for (InetAddress a : addresses) {
            if (CallbackUrls.isInternal(a) && !checks.allowed(a)) {
                throw refusal("The upstream resolves to an internal address (" + a.getHostAddress()
                        + "); only public addresses are reached unless the operator allows this one.");
            }
        }
        return Arrays.stream(addresses)
                .min(Comparator.comparing(a -> a instanceof Inet4Address ? 0 : 1))
                .orElseThrow()
                .getHostAddress();
    }

    static io.hostplane.api.system.ApiException refusal(String message) {
        return io.hostplane.api.system.ApiException.badRequest(
                WebsiteController.REFUSED, java.util.List.of(new FieldError("upstream", ErrorCodes.INVALID, message)));
    }
}
