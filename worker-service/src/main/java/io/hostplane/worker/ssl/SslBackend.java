package io.hostplane.worker.ssl;

import java.util.function.Supplier;

/** Where certificates are installed. Implementations are idempotent: installing the same thing twice is harmless. */
interface SslBackend {

    /** {@code local} or {@code nginx}, as reported in the job's result. */
    String name();

    /**
     * Installs {@code fullChain} (the certificate followed by its chain, PEM) and the private key for
     * {@code domain}. {@code privateKey} is asked for only by backends that write it.
     */
    void install(
            String domain, String certificateId, String fingerprint, String fullChain, Supplier<String> privateKey);

    /**
     * Removes {@code domain}'s certificate and key; a domain without one is already done. Returns whether there
     * was one to remove.
     */
    boolean remove(String domain);
}
