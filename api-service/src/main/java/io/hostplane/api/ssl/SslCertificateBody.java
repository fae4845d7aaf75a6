package io.hostplane.api.ssl;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.hostplane.api.system.RequestFields;
import io.hostplane.common.envelope.ErrorCodes;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code PUT /api/v1/domains/{domain}/ssl}: PEM text, each member within its length. Whether the
 * text is a usable certificate and key is {@link CertificateChecker}'s to say.
 *
 * @param certificate the certificate, maybe followed by its chain
 * @param chain more chain certificates, or null
 * @param privateKey the certificate's private key
 */
record SslCertificateBody(String certificate, String chain, String privateKey) {

    /** Binds the body; a 400 naming each member that is missing, not text or too long. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static SslCertificateBody from(JsonNode body) {
        return RequestFields.bind(
                body, "The certificate cannot be installed; nothing was changed.", SslCertificateBody::read);
    }

    /** The body in {@code fields}, each problem reported under its member's name. */
    static SslCertificateBody read(RequestFields fields) {
        return new SslCertificateBody(
                pem(fields, "certificate", true, CertificateChecker.MAX_CERTIFICATE_CHARS),
                pem(fields, "chain", false, CertificateChecker.MAX_CHAIN_CHARS),
                pem(fields, "private_key", true, CertificateChecker.MAX_KEY_CHARS));
    }

    private static String pem(RequestFields fields, String field, boolean required, int max) {
        if (!fields.given(field)) {
            if (required) {
                fields.reject(field, ErrorCodes.REQUIRED, field + " is required (PEM).");
            }
            return null;
        }
        String value = fields.text(field, ErrorCodes.INVALID, field + " must be a string of PEM text.");
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            fields.reject(field, ErrorCodes.TOO_LARGE, field + " is longer than " + max + " characters.");
            return null;
        }
        if (required && value.isBlank()) {
            fields.reject(field, ErrorCodes.REQUIRED, field + " is required (PEM).");
            return null;
        }
        return value;
    }
}
