package io.hostplane.common.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/** An IPv4 or IPv6 network in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, or one address). */
public record Cidr(byte[] network, int prefix) {

    /** Parses {@code text}; empty when it is not a literal address with an optional valid prefix. */
    public static Optional<Cidr> parse(String text) {
        if (text == null || text.isBlank() || !text.matches("[0-9a-fA-F.:]+(/\\d{1,3})?")) {
            return Optional.empty();
        }
        String[] parts = text.split("/", 2);
        try {
            byte[] address = InetAddress.getByName(parts[0]).getAddress();
            int max = address.length * 8;
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : max;
            if (prefix < 0 || prefix > max) {
                return Optional.empty();
            }
            return Optional.of(new Cidr(address, prefix));
        } catch (UnknownHostException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Parses a configured list ({@code setting} names it in the error); blank entries are skipped, anything
     * else that is not an address or network stops start-up.
     */
    public static List<Cidr> parseAll(List<String> entries, String setting) {
        return entries.stream()
                .filter(s -> !s.isBlank())
                .map(s -> parse(s.strip())
                        .orElseThrow(
                                () -> new IllegalStateException(setting + ": not an address or CIDR network: " + s)))
                .toList();
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (candidate[full] & mask) == (network[full] & mask);
    }

    /** Whether every address of {@code other} is in this network (same family, prefix no shorter). */
    public boolean covers(Cidr other) {
        if (other.network.length != network.length || other.prefix < prefix) {
            return false;
        }
        try {
            return contains(InetAddress.getByAddress(other.network));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
