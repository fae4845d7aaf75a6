package io.hostplane.worker.website;

import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.common.event.CloudEvent;
import io.hostplane.common.event.DeleteWebsite;
import io.hostplane.common.event.EventCodec;
import io.hostplane.common.job.JobTypes;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.nginx.NginxCommands;
import io.hostplane.worker.system.CommandHandler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code website.apply} and {@code website.delete} jobs, and the backend chosen by
 * {@code hostplane.websites.backend}. The live root of a static website is {@code {hostplane.backup.sites-dir}/
 * {domain}} (so backups include it); a website has TLS when the nginx SSL backend installed its domain's
 * certificate into {@code hostplane.ssl.nginx.cert-dir}, and {@link SiteFiles} (a certificate follower) rewrites
 * its block when that certificate comes or goes. Commands are keyed {@code tenant/site/{domain}}, so the jobs of
 * one website run in order.
 */
@Configuration(proxyBeanMethods = false)
class WebsiteCommandHandlers {

    @Bean
    SiteFiles websiteFiles(
            WebsiteProperties properties,
            @Value("${hostplane.backup.sites-dir:/srv/hostplane/sites}") Path sitesDir,
            @Value("${hostplane.ssl.nginx.cert-dir:/etc/nginx/hostplane-certs}") Path certDir) {
        WebsiteProperties.Nginx nginx = properties.nginx();
        if (nginx.confDir() == null || nginx.confDir().isBlank()) {
            throw new IllegalStateException(
                    "hostplane.websites.nginx.conf-dir (HOSTPLANE_WEBSITES_NGINX_CONF_DIR) must be set");
        }
        ServerBlocks blocks =
                new ServerBlocks(sitesDir, certDir, nginx.listenAddress(), nginx.httpPort(), nginx.httpsPort());
        return new SiteFiles(Path.of(nginx.confDir()), blocks);
    }

    @Bean
    WebsiteBackend websiteBackend(WebsiteProperties properties, SiteFiles files) {
        WebsiteProperties.Nginx nginx = properties.nginx();
        return switch (properties.backend()) {
            case "local" -> new LocalWebsiteBackend(files);
            case "nginx" ->
                new NginxWebsiteBackend(
                        files,
                        new NginxCommands(nginx.testCommand(), nginx.reloadCommand(), nginx.commandTimeout()),
                        nginx.defaultServer());
            default ->
                throw new IllegalStateException(
                        "hostplane.websites.backend must be local or nginx, not " + properties.backend());
        };
    }

    @Bean
    CommandHandler websiteApplyHandler(WebsiteBackend backend, EventCodec codec) {
        return new CommandHandler() {
            @Override
            public String jobType() {
                return JobTypes.WEBSITE_APPLY;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                ApplyWebsite website = codec.data(command, ApplyWebsite.class);
                List<Warning> warnings = new ArrayList<>();
                if (website.warnings() != null) {
                    warnings.addAll(website.warnings());
                }
                warnings.addAll(backend.apply(website));
                return new Outcome(codec.tree(result(website.websiteId(), website.domain(), backend)), warnings);
            }
        };
    }

    @Bean
    CommandHandler websiteDeleteHandler(WebsiteBackend backend, EventCodec codec) {
        return new CommandHandler() {
            @Override
            public String jobType() {
                return JobTypes.WEBSITE_DELETE;
            }

            @Override
            public Outcome handle(CloudEvent command) {
                DeleteWebsite delete = codec.data(command, DeleteWebsite.class);
                boolean removed = backend.delete(delete.websiteId(), delete.domain());
                Map<String, Object> result = result(delete.websiteId(), delete.domain(), backend);
                result.put("removed", removed);
                return new Outcome(codec.tree(result), List.of());
            }
        };
    }

    private static Map<String, Object> result(String websiteId, String domain, WebsiteBackend backend) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("website_id", websiteId);
        result.put("domain", domain);
        result.put("backend", backend.name());
        return result;
    }
}
