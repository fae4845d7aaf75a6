package io.hostplane.worker.website;

import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.nginx.NginxChange;
import io.hostplane.worker.nginx.NginxCommands;
import io.hostplane.worker.system.TransientBackendException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves websites from nginx: each change writes the website's server block atomically, runs the test command
 * ({@code nginx -t}) and the reload command; when either fails, the previous block (or none) is put back and the
 * job fails with nginx's message, so the previous configuration keeps serving. On first use it also writes the
 * default server ({@code 00-default.conf}), which answers names no website has with 444, and on the https port
 * refuses their TLS handshakes where nginx supports {@code ssl_reject_handshake}. Changes run under the lock every
 * nginx change of the worker takes ({@link NginxChange#locked}), certificates included.
 */
class NginxWebsiteBackend implements WebsiteBackend {

    private static final Logger log = LoggerFactory.getLogger(NginxWebsiteBackend.class);
    private static final String RESTORED = "previous website files restored";

    private final SiteFiles files;
    private final NginxCommands commands;
    private final boolean defaultServer;

    NginxWebsiteBackend(SiteFiles files, NginxCommands commands, boolean defaultServer) {
        this.files = files;
        this.commands = commands;
        this.defaultServer = defaultServer;
    }

    @Override
    public String name() {
        return "nginx";
    }

    @Override
    public List<Warning> apply(ApplyWebsite website) {
        ServerBlocks.Site site = ServerBlocks.check(website);
        try {
            List<Warning> warnings = NginxChange.locked(() -> {
                NginxChange change = new NginxChange();
                ensureDefaultServer(change);
                List<Warning> found = files.write(site, website, change);
                commands.testAndReload(change, RESTORED);
                return found;
            });
            log.info("website {} served for {} by nginx", site.websiteId(), String.join(" ", site.names()));
            return warnings;
        } catch (IOException e) {
            throw new TransientBackendException("cannot write the server block of " + site.domain() + ": " + e, e);
        }
    }

    @Override
    public boolean delete(String websiteId, String domain) {
        ServerBlocks.name(domain, "domain");
        try {
            boolean removed = NginxChange.locked(() -> {
                NginxChange change = new NginxChange();
                boolean had = files.remove(websiteId, domain, change);
                // Also when there was nothing: a delete redelivered after a crash before the reload still reloads.
                commands.testAndReload(change, RESTORED);
                return had;
            });
            log.info("website {} of {} no longer served by nginx", websiteId, domain);
            return removed;
        } catch (IOException e) {
            throw new TransientBackendException("cannot remove the server block of " + domain + ": " + e, e);
        }
    }

    /**
     * Adds the default server to {@code change} when there is none yet. With TLS handshakes refused first; if
     * nginx's test rejects {@code ssl_reject_handshake} (older than 1.19.4), on the http port only.
     */
    private void ensureDefaultServer(NginxChange change) throws IOException {
        if (!defaultServer || Files.exists(files.defaultServer())) {
            return;
        }
        ServerBlocks blocks = files.blocks();
        change.write(
                files.defaultServer(), blocks.defaultServer(true).getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
        NginxCommands.Run test = commands.test();
        if (!test.ok() && test.reason().contains("ssl_reject_handshake")) {
            log.info("this nginx has no ssl_reject_handshake: the default server answers on the http port only");
            change.write(
                    files.defaultServer(),
                    blocks.defaultServer(false).getBytes(StandardCharsets.US_ASCII),
                    "rw-r--r--");
        }
    }
}
