package io.hostplane.audit.stream;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * RFC 5424 messages over TLS (RFC 5425), one connection kept open, octet-counted framing. The collector's
 * certificate must chain to the stream's CA (or the default trust) and name the configured host. Syslog has no
 * acknowledgement: {@link #send} returns once the messages are written, and {@link #alive()} tells whether the
 * collector has closed the connection since (a read that times out means it is still open; rsyslog never writes
 * back, so end-of-stream or an error means the peer is gone). {@link StreamLoop} turns that into checkpoints.
 */
final class SyslogSink implements StreamSink {

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final String hostname;
    private final Duration connectTimeout;
    private final SinkAddresses addresses;
    private SSLSocket socket;
    private volatile Socket transport;
    private OutputStream out;
    private InputStream in;

    SyslogSink(
            String host, int port, SSLContext tls, String hostname, Duration connectTimeout, SinkAddresses addresses) {
        this.addresses = addresses;
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.hostname = hostname;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public synchronized void send(List<StreamEvent> events) throws SinkException {
        try {
            if (socket == null) {
                connect(addresses.check(host));
            }
            for (StreamEvent event : events) {
                out.write(SyslogFormat.frame(event, hostname));
            }
            out.flush();
        } catch (SSLException e) {
            disconnect();
            throw new SinkException(
                    "TLS with " + host + ":" + port + " failed (" + e.getClass().getSimpleName()
                            + "): the collector's certificate does not verify against the stream's CA or the default trust, "
                            + "or does not name " + host);
        } catch (IOException e) {
            disconnect();
            throw new SinkException("connection to " + host + ":" + port + " failed ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Connects to {@code address}, the one just checked, and verifies the certificate for the host's name. */
    private void connect(java.net.InetAddress address) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = ssl.getSSLParameters();
            // Verify that the certificate names the host (a DNS name or an IP address), as HTTPS does.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!isAddress(host)) {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            ssl.setSSLParameters(parameters);
            ssl.setSoTimeout((int) connectTimeout.toMillis());
            ssl.startHandshake();
            ssl.setSoTimeout(0);
            socket = ssl;
            transport = plain;
            out = new BufferedOutputStream(ssl.getOutputStream(), 64 * 1024);
            in = ssl.getInputStream();
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    @Override
    public boolean acknowledges() {
        return false;
    }

    @Override
    public synchronized boolean alive() {
        if (socket == null) {
            return false;
        }
        try {
            socket.setSoTimeout(1);
            int read = in.read();
            // A collector that writes something back is still there; one that closed gives end-of-stream.
            return read >= 0;
        } catch (SocketTimeoutException stillOpen) {
            return true;
        } catch (IOException gone) {
            return false;
        } finally {
            try {
                if (socket != null) {
                    socket.setSoTimeout(0);
                }
            } catch (IOException ignored) {
                // closed meanwhile: the next send reconnects
            }
        }
    }

    @Override
    public synchronized void disconnect() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
        socket = null;
        out = null;
        in = null;
    }

    @Override
    public void close() {
        // Not synchronized: closing the TCP socket under TLS is how a stop unblocks a write stuck on a full send
        // buffer (closing the TLS socket would wait for that write's lock to send its close_notify).
        Socket s = transport;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }
}
