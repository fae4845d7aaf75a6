package io.hostplane.api.ssl;

import io.hostplane.common.job.Warning;
import java.time.Instant;
import java.util.List;

/**
 * A domain's certificate as {@code GET /domains/{domain}/ssl} shows it: public facts only, never the key.
 * {@code status} is {@code pending} until its {@code ssl.install} job succeeds, then {@code installed}.
 */
public record SslCertificateView(
        String id,
        String domain,
        String status,
        String subject,
        List<String> sans,
        String issuer,
        Instant notBefore,
        Instant notAfter,
        String fingerprintSha256,
        String serial,
        String keyType,
        int keySize,
        List<Warning> warnings,
        String jobId,
        Instant createdAt,
        Instant installedAt,
        String certificate,
        String chain) {}
