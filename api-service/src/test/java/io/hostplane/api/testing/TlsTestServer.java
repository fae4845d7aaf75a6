package io.hostplane.api.testing;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on 127.0.0.1 (a free port) presenting a certificate the test made: it completes handshakes, reads
 * and discards whatever a client sends, and counts the handshakes. Enough to be a sink the API probes.
 */
public final class TlsTestServer implements AutoCloseable {

    private final SSLServerSocket server;
    private final AtomicInteger handshakes = new AtomicInteger();

    public TlsTestServer(SslTestCertificates.Issued leaf, SslTestCertificates.Issued issuer) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        Certificate[] chain = issuer == null
                ? new Certificate[] {leaf.certificate()}
                : new Certificate[] {leaf.certificate(), issuer.certificate()};
        keys.setKeyEntry("leaf", leaf.keys().getPrivate(), new char[0], chain);
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        server = (SSLServerSocket)
                context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        daemon(this::serve);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Handshakes completed so far. */
    public int handshakes() {
        return handshakes.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                daemon(() -> drain((SSLSocket) socket));
            } catch (Exception e) {
                return;
            }
        }
    }

    private static void daemon(Runnable work) {
        Thread thread = new Thread(work, "tls-test-server");
        thread.setDaemon(true);
        thread.start();
    }

    private void drain(SSLSocket socket) {
        try (socket;
                InputStream in = socket.getInputStream()) {
            socket.startHandshake();
            handshakes.incrementAndGet();
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (Exception e) {
            // A client that refused the certificate, or hung up: nothing to do.
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
