package io.hostplane.common.event;

import io.hostplane.common.job.Warning;
import java.util.List;

/**
 * Command {@code ssl.install}: install certificate {@code certificateId} for {@code domain}. Carries only
 * public material (the certificate and its chain, PEM) and the warnings the API found when it checked them;
 * the private key stays in PostgreSQL, encrypted, and is looked up by {@code certificateId}.
 */
public record InstallCertificate(
        String certificateId,
        String domain,
        String certificate,
        String chain,
        String fingerprintSha256,
        List<Warning> warnings) {}
