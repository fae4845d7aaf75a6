package io.hostplane.worker.nginx;

import java.io.IOException;

/**
 * Told when a domain's certificate files were written or deleted, inside the same locked {@link NginxChange}
 * and before {@code nginx -t}: rewrites whatever refers to them (the website of that domain), adding its files
 * to the change so that a refused change restores them too.
 */
public interface CertificateFollower {

    void certificateChanged(String domain, NginxChange change) throws IOException;
}
