package io.hostplane.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports on 127.0.0.1, for servers started by tests. They are taken below the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}), where outgoing connections get their local ports: a port handed
 * out from that range could be taken by some client's connection before the server binds it (it happened in a clean
 * run). A port is handed out once per JVM.
 */
public final class FreePorts {

    /** The lowest port handed out: above the fixed ports of the local stack (8080, 15432, 19092 and the like). */
    private static final int LOWEST = 20000;

    private static final java.util.Set<Integer> HANDED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    public static int next() {
        int below = ephemeralStart();
        if (below - LOWEST >= 1000) {
            java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = LOWEST + random.nextInt(below - LOWEST);
                if (isFree(port) && HANDED.add(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            HANDED.add(socket.getLocalPort());
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first port of the ephemeral range (Linux), or 32768 (its default) where that cannot be read. */
    private static int ephemeralStart() {
        try {
            // Read line by line: procfs reports a size of 0, and a read sized by it may stop after one byte.
            String range;
            try (java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(
                    java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
                range = reader.readLine().trim();
            }
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    /** Whether nothing listens on 127.0.0.1:{@code port} (so a server of ours can). */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
