/**
 * The {@code ssl.install} job: reads the certificate's sealed private key from PostgreSQL, decrypts it and
 * installs certificate, chain and key through an {@link io.hostplane.worker.ssl.SslBackend} ({@code local} or
 * {@code nginx}). See {@code docs/ssl.md}.
 */
package io.hostplane.worker.ssl;
