package io.hostplane.api.ssl;

import io.hostplane.common.job.Warning;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A domain's certificate as {@code GET /domains/{domain}/ssl} shows it: public facts only, never the key.
 * {@code status} is {@code pending} until its {@code ssl.install} job succeeds, then {@code installed}. {@code
 * expiry} is {@code valid}, {@code expiring} (within {@code hostplane.ssl.expires-soon}: the daily {@code
 * ssl.expiring} webhook event is sent for it) or {@code expired}; {@code daysLeft} counts whole days to {@code
 * notAfter} (negative once expired).
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
        String chain,
        String expiry,
        long daysLeft) {

    /** This view with {@code expiry} and {@code daysLeft} as of {@code now}. */
    SslCertificateView at(Instant now, Duration expiresSoon) {
        String state =
                !notAfter.isAfter(now) ? "expired" : notAfter.isAfter(now.plus(expiresSoon)) ? "valid" : "expiring";
        long days = Math.floorDiv(notAfter.getEpochSecond() - now.getEpochSecond(), 86_400L);
        return new SslCertificateView(
                id,
                domain,
                status,
                subject,
                sans,
                issuer,
                notBefore,
                notAfter,
                fingerprintSha256,
                serial,
                keyType,
                keySize,
                warnings,
                jobId,
                createdAt,
                installedAt,
                certificate,
                chain,
                state,
                days);
    }
}
