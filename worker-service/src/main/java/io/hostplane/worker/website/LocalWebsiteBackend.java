package io.hostplane.worker.website;

import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.nginx.NginxChange;
import io.hostplane.worker.system.TransientBackendException;
import java.io.IOException;
import java.util.List;

/**
 * The default backend: writes each website's server block (and the website it was made from) into the conf
 * folder, as the nginx backend does, and runs nothing: no test, no reload, no default server. For development
 * and for platforms whose web servers pick the files up themselves.
 */
class LocalWebsiteBackend implements WebsiteBackend {

    private final SiteFiles files;

    LocalWebsiteBackend(SiteFiles files) {
        this.files = files;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public List<Warning> apply(ApplyWebsite website) {
        ServerBlocks.Site site = ServerBlocks.check(website);
        try {
            return NginxChange.locked(() -> files.write(site, website, new NginxChange()));
        } catch (IOException e) {
            throw new TransientBackendException("cannot write the server block of " + site.domain() + ": " + e, e);
        }
    }

    @Override
    public boolean delete(String websiteId, String domain) {
        ServerBlocks.name(domain, "domain");
        try {
            return NginxChange.locked(() -> files.remove(websiteId, domain, new NginxChange()));
        } catch (IOException e) {
            throw new TransientBackendException("cannot remove the server block of " + domain + ": " + e, e);
        }
    }
}
