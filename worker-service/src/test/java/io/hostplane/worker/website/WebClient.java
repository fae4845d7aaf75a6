package io.hostplane.worker.website;

import io.hostplane.worker.ssl.SslTestCertificates;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Requests to a web server on 127.0.0.1 with any {@code Host} header (and SNI), over a plain socket: HTTP/1.1
 * with {@code Connection: close}, the whole answer read. A connection closed without an answer (nginx's 444)
 * reads as an empty answer.
 */
final class WebClient {

    /** An answer: the raw status line, headers and body ("" when the connection closed without one). */
    record Answer(String raw, String certificateFingerprint) {

        boolean none() {
            return raw.isEmpty();
        }

        int status() {
            return none() ? 0 : Integer.parseInt(raw.substring(9, 12));
        }

        String body() {
            int end = raw.indexOf("\r\n\r\n");
            return end < 0 ? "" : raw.substring(end + 4);
        }

        String header(String name) {
            for (String line :
                    raw.substring(0, Math.max(0, raw.indexOf("\r\n\r\n"))).split("\r\n")) {
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return line.substring(name.length() + 1).trim();
                }
            }
            return null;
        }
    }

    private WebClient() {}

    static Answer http(int port, String host, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            return new Answer(exchange(socket, host, path), null);
        }
    }

    /** Over TLS with SNI {@code host}, any certificate accepted (only to read it): the answer and the certificate. */
    static Answer https(int port, String host, String path) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(host)));
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            String fingerprint = SslTestCertificates.fingerprint(
                    (X509Certificate) socket.getSession().getPeerCertificates()[0]);
            return new Answer(exchange(socket, host, path), fingerprint);
        }
    }

    private static String exchange(Socket socket, String host, String path) throws IOException {
        socket.getOutputStream()
                .write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        try {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (SocketException reset) {
            return ""; // closed without an answer
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
