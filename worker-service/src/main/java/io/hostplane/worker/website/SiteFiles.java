package io.hostplane.worker.website;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.common.job.Warning;
import io.hostplane.worker.nginx.CertificateFollower;
import io.hostplane.worker.nginx.NginxChange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The websites' files in the conf folder: {@code {domain}.conf}, the server blocks nginx includes, and
 * {@code {domain}.json}, the last {@link ApplyWebsite} they were made from, so that a block can be made again
 * when the domain's certificate comes or goes ({@link #certificateChanged}, called by the nginx SSL backend within
 * its own change, before {@code nginx -t}). A block has TLS when {@code {cert-dir}/{domain}.crt} and {@code .key}
 * both exist.
 */
class SiteFiles implements CertificateFollower {

    static final String WARNING_TYPE = "SSL";
    static final String DEFAULT_SERVER = "00-default.conf";

    private static final Logger log = LoggerFactory.getLogger(SiteFiles.class);

    private final Path confDir;
    private final ServerBlocks blocks;
    private final JsonMapper json = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    SiteFiles(Path confDir, ServerBlocks blocks) {
        this.confDir = confDir.toAbsolutePath().normalize();
        this.blocks = blocks;
    }

    Path confDir() {
        return confDir;
    }

    ServerBlocks blocks() {
        return blocks;
    }

    Path conf(String domain) {
        return confDir.resolve(ServerBlocks.name(domain, "domain") + ".conf");
    }

    Path stored(String domain) {
        return confDir.resolve(ServerBlocks.name(domain, "domain") + ".json");
    }

    Path defaultServer() {
        return confDir.resolve(DEFAULT_SERVER);
    }

    /** Whether the domain's certificate and key are installed (the TLS block can name them). */
    boolean hasCertificate(String domain) {
        return Files.isRegularFile(blocks.certificate(domain)) && Files.isRegularFile(blocks.key(domain));
    }

    /**
     * Writes the website's block and the website itself into {@code change}; returns the certificate's warnings:
     * a name of the website its installed certificate does not cover.
     */
    List<Warning> write(ServerBlocks.Site site, ApplyWebsite website, NginxChange change) throws IOException {
        boolean certificate = hasCertificate(site.domain());
        String block = blocks.render(site, certificate);
        change.write(stored(site.domain()), json.writeValueAsBytes(website), "rw-r--r--");
        change.write(conf(site.domain()), block.getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
        return certificate && !ServerBlocks.OFF.equals(site.https()) ? nameWarnings(site) : List.of();
    }

    /** Deletes the block and the stored website of {@code domain} if they are {@code websiteId}'s. */
    boolean remove(String websiteId, String domain, NginxChange change) throws IOException {
        ApplyWebsite stored = read(domain);
        if (stored != null && stored.websiteId() != null && !stored.websiteId().equals(websiteId)) {
            log.info(
                    "the block of {} belongs to website {}, not {}: left alone", domain, stored.websiteId(), websiteId);
            return false;
        }
        boolean had = change.delete(conf(domain));
        return change.delete(stored(domain)) || had;
    }

    /** The website last written for {@code domain}, or null. */
    ApplyWebsite read(String domain) throws IOException {
        Path file = stored(domain);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return json.readValue(Files.readAllBytes(file), ApplyWebsite.class);
        } catch (JacksonException e) {
            throw new IOException("cannot read " + file + ": " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void certificateChanged(String domain, NginxChange change) throws IOException {
        ApplyWebsite website = read(domain);
        if (website == null) {
            return;
        }
        ServerBlocks.Site site = ServerBlocks.check(website);
        write(site, website, change);
        log.info(
                "server block of {} rewritten {} TLS after its certificate changed",
                domain,
                hasCertificate(domain) && !ServerBlocks.OFF.equals(site.https()) ? "with" : "without");
    }

    private List<Warning> nameWarnings(ServerBlocks.Site site) {
        List<String> covered = dnsNames(blocks.certificate(site.domain()));
        if (covered == null) {
            return List.of(); // unreadable: nginx -t says why
        }
        List<Warning> warnings = new ArrayList<>();
        for (String name : site.names()) {
            if (covered.stream().noneMatch(pattern -> covers(pattern, name))) {
                warnings.add(new Warning(
                        WARNING_TYPE,
                        ErrorCodes.CERT_NAME_MISMATCH,
                        "The certificate installed for " + site.domain() + " is for "
                                + (covered.isEmpty() ? "no DNS name" : String.join(", ", covered)) + ", not " + name
                                + ": https://" + name + " is served with it and browsers will refuse it."));
            }
        }
        return warnings;
    }

    /** The DNS names of the first certificate in {@code file}: its dNSName SANs, else its CN; null if unreadable. */
    static List<String> dnsNames(Path file) {
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(file)) {
            certificate =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException | RuntimeException e) {
            return null;
        }
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> all = certificate.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> san : all) {
                    if (Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String name) {
                        names.add(name.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateException e) {
            return null;
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn :
                        new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException e) {
                return names;
            }
        }
        return names;
    }

    /** Whether a certificate name ({@code *.example.com} matches one label) covers {@code host}. */
    static boolean covers(String pattern, String host) {
        String p = strip(pattern);
        String h = strip(host);
        if (p.equals(h)) {
            return true;
        }
        if (p.startsWith("*.") && p.indexOf('*', 1) < 0 && p.substring(2).contains(".")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return false;
    }

    private static String strip(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
