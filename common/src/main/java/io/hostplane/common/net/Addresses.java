package io.hostplane.common.net;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses a platform service must not reach on a customer's say-so (request forgery): loopback,
 * private, link-local (cloud metadata), unique-local, multicast, unspecified, shared and reserved ranges. The API
 * checks callback URLs and audit stream sinks with it when they are given; the services that connect check again
 * on every connection, since a name can resolve elsewhere later.
 */
public final class Addresses {

    private Addresses() {}

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
