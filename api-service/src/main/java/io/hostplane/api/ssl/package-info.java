/**
 * {@code /api/v1/domains/{domain}/ssl}: checks an uploaded certificate, chain and private key, encrypts the key
 * at rest (AES-256-GCM) and accepts an {@code ssl.install} job whose command carries only public material and
 * a reference to the key. See {@code docs/ssl.md}.
 */
package io.hostplane.api.ssl;
