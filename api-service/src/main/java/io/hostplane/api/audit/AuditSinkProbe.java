package io.hostplane.api.audit;

import io.hostplane.api.callbacks.CallbackUrls;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks an audit stream's sink before it is saved: its host resolves, to public addresses only unless {@code
 * hostplane.audit.streams.allowed-hosts} lists them (as callback URLs are checked), plain http goes only to an
 * allow-listed host, and the sink answers: a TCP connection to the address just checked and, for https and
 * syslog, a TLS handshake whose certificate verifies against the stream's CA (else the JDK's default trust store)
 * and names the host. Nothing is sent. The audit service checks the same again on every connection.
 */
@Component
class AuditSinkProbe {

    private final CallbackUrls urls;
    private final int timeoutMillis;

    AuditSinkProbe(AuditStreamProperties properties) {
        this.urls = new CallbackUrls(properties.allowedHosts(), "hostplane.audit.streams.allowed-hosts");
        this.timeoutMillis = (int) Math.max(1, properties.probeTimeout().toMillis());
    }

    /** The sink's problems (empty when it may be used), found off the event loop. */
    Mono<List<FieldError>> problems(AuditStreamSpec spec) {
        return Mono.fromCallable(() -> check(spec)).subscribeOn(Schedulers.boundedElastic());
    }

    private List<FieldError> check(AuditStreamSpec spec) {
        String field = AuditStreamSpec.HTTP.equals(spec.kind()) ? "url" : "host";
        String host = spec.sinkHost();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return List.of(
                    new FieldError(field, ErrorCodes.SINK_UNREACHABLE, "The host " + host + " does not resolve."));
        }
        boolean allAllowed = true;
        for (InetAddress a : addresses) {
            boolean allowed = urls.allowed(a);
            allAllowed &= allowed;
            if (CallbackUrls.isInternal(a) && !allowed) {
                return List.of(new FieldError(
                        field,
                        ErrorCodes.INVALID,
                        "The host resolves to an internal address (" + a.getHostAddress()
                                + "); sinks are at public addresses unless the operator allows this one."));
            }
        }
        if (!spec.tls() && !allAllowed) {
            return List.of(new FieldError(
                    field, ErrorCodes.INVALID, "Plain http only to a host the operator allows; use https."));
        }
        InetAddress address = addresses[0];
        Socket socket = new Socket();
        try (socket) {
            socket.connect(new InetSocketAddress(address, spec.sinkPort()), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            if (spec.tls()) {
                handshake(socket, spec, host);
            }
            return List.of();
        } catch (SSLException e) {
            return List.of(new FieldError(
                    spec.caPem() != null ? "ca_pem" : field,
                    ErrorCodes.TLS_UNVERIFIED,
                    "The sink's certificate does not verify for " + host
                            + (spec.caPem() != null ? " against the CA given" : " against the default trust store")
                            + (spec.caPem() != null ? "." : "; give its CA in ca_pem.")));
        } catch (IOException e) {
            return List.of(new FieldError(
                    field,
                    ErrorCodes.SINK_UNREACHABLE,
                    "The sink at " + host + ":" + spec.sinkPort() + " does not answer ("
                            + e.getClass().getSimpleName() + ")."));
        } catch (GeneralSecurityException e) {
            return List.of(new FieldError("ca_pem", ErrorCodes.INVALID, "The CA certificates cannot be used."));
        }
    }

    private static void handshake(Socket socket, AuditStreamSpec spec, String host)
            throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust(spec.caPem()).getTrustManagers(), null);
        try (SSLSocket tls =
                (SSLSocket) context.getSocketFactory().createSocket(socket, host, spec.sinkPort(), false)) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
        }
    }

    /** Trust in the given CA certificates only, or the JDK's default trust store when there are none. */
    private static TrustManagerFactory trust(String caPem) throws GeneralSecurityException, IOException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caPem == null) {
            factory.init((KeyStore) null);
            return factory;
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (X509Certificate certificate : AuditStreamSpec.certificates(caPem)) {
            store.setCertificateEntry("ca" + i++, certificate);
        }
        factory.init(store);
        return factory;
    }
}
