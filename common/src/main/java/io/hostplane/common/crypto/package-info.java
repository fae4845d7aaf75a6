/**
 * Sealing secrets at rest: what one service seals (the API, when a caller hands it a credential) and another
 * opens (the service that uses the credential) must agree on one format, which lives here.
 */
package io.hostplane.common.crypto;
