package io.hostplane.audit.stream;

import io.hostplane.audit.stream.StreamSink.SinkException;
import io.hostplane.common.net.Addresses;
import io.hostplane.common.net.Cidr;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Where a stream may connect, checked again before every connection (the API checked when the stream was saved,
 * but a name can be re-pointed since): every address the sink's host resolves to must be public, or listed in
 * {@code hostplane.audit.streams.allowed-hosts} (the same setting the API checks with). A sink that now resolves
 * inward fails like an unreachable one, with the reason in the stream's status, and pauses itself if it stays so.
 */
final class SinkAddresses {

    private final List<Cidr> allowed;

    SinkAddresses(List<String> allowedHosts) {
        this.allowed = Cidr.parseAll(allowedHosts, "hostplane.audit.streams.allowed-hosts");
    }

    /** The address to connect to (the first the host resolves to), once all of them passed. */
    InetAddress check(String host) throws SinkException {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new SinkException("the host " + host + " does not resolve");
        }
        for (InetAddress a : addresses) {
            if (Addresses.isInternal(a) && allowed.stream().noneMatch(c -> c.contains(a))) {
                throw new SinkException("the host " + host + " now resolves to an internal address ("
                        + a.getHostAddress() + "), which hostplane.audit.streams.allowed-hosts does not allow");
            }
        }
        return addresses[0];
    }
}
