package io.hostplane.common.event;

/**
 * Command {@code ssl.remove}: remove {@code domain}'s certificate and key from the web servers. {@code
 * certificateId} is the domain's current certificate when the removal was accepted: once the job succeeds, it
 * and every older upload of the domain are removed; a certificate uploaded after the removal is not.
 */
public record RemoveCertificate(String certificateId, String domain) {}
