package io.hostplane.api.system;

/**
 * The callback signing secret of a tenant, as {@code GET /me} shows it to that tenant's tokens. Implemented by
 * the callbacks feature; declared here so that the system package depends on no feature.
 */
public interface CallbackSecrets {

    String secretOf(String tenant);
}
