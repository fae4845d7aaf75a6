package io.hostplane.worker.website;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.event.ApplyWebsite;
import io.hostplane.worker.system.JobFailure;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server blocks made of a website, and everything from a command that must never reach them. */
@Tag("fast")
class ServerBlocksTest {

    private static final String ID = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    private final ServerBlocks blocks =
            new ServerBlocks(Path.of("/srv/sites"), Path.of("/etc/nginx/certs"), "127.0.0.1", 8088, 8448);

    private static ApplyWebsite site(String domain, List<String> aliases, String https) {
        return new ApplyWebsite(ID, domain, aliases, "static", null, null, https, null, List.of());
    }

    private static ApplyWebsite proxy(String upstream, String address) {
        return new ApplyWebsite(ID, "app.example.com", List.of(), "proxy", upstream, address, "auto", null, null);
    }

    @Test
    void aStaticSiteServesItsLiveRootUnderEveryName() {
        String text = blocks.render(
                ServerBlocks.check(site("example.com", List.of("www.example.com", "example.com"), "auto")), false);
        assertThat(text)
                .contains("listen 127.0.0.1:8088;")
                .contains("server_name example.com www.example.com;")
                .contains("root /srv/sites/example.com;")
                .contains("index index.html;")
                .doesNotContain("ssl")
                .doesNotContain("proxy_pass");
        assertThat(text.split("server \\{", -1)).hasSize(2);
    }

    @Test
    void withACertificateTlsIsServedAndRedirectOnlyRedirects() {
        String auto = blocks.render(ServerBlocks.check(site("example.com", List.of(), null)), true);
        assertThat(auto)
                .contains("listen 127.0.0.1:8448 ssl;")
                .contains("ssl_certificate /etc/nginx/certs/example.com.crt;")
                .contains("ssl_certificate_key /etc/nginx/certs/example.com.key;")
                .doesNotContain("return 301");
        assertThat(auto.split("root /srv/sites/example.com;", -1)).hasSize(3);

        String redirect = blocks.render(ServerBlocks.check(site("example.com", List.of(), "redirect")), true);
        assertThat(redirect).contains("return 301 https://$host:8448$request_uri;");
        assertThat(redirect.split("root /srv/sites/example.com;", -1)).hasSize(2);

        String off = blocks.render(ServerBlocks.check(site("example.com", List.of(), "off")), true);
        assertThat(off).doesNotContain("ssl").doesNotContain("return 301");

        String noCertificate = blocks.render(ServerBlocks.check(site("example.com", List.of(), "redirect")), false);
        assertThat(noCertificate).doesNotContain("ssl").doesNotContain("return 301");

        ServerBlocks onDefaultPorts = new ServerBlocks(Path.of("/srv/sites"), Path.of("/c"), "", 80, 443);
        assertThat(onDefaultPorts.render(ServerBlocks.check(site("example.com", List.of(), "redirect")), true))
                .contains("listen 80;")
                .contains("listen 443 ssl;")
                .contains("return 301 https://$host$request_uri;");
    }

    @Test
    void aProxyConnectsToThePinnedAddressAndSendsTheUpstreamsName() {
        String text =
                blocks.render(ServerBlocks.check(proxy("http://App.Backend.example.net:8080", "10.0.0.5")), false);
        assertThat(text)
                .contains("proxy_pass http://10.0.0.5:8080;")
                .contains("proxy_set_header Host app.backend.example.net:8080;")
                .doesNotContain("root ");

        String tls =
                blocks.render(ServerBlocks.check(proxy("https://backend.example.net/app/v1", "2001:db8::5")), false);
        assertThat(tls)
                .contains("proxy_pass https://[2001:db8:0:0:0:0:0:5]:443/app/v1;")
                .contains("proxy_set_header Host backend.example.net;")
                .contains("proxy_ssl_name backend.example.net;");

        String literal = blocks.render(ServerBlocks.check(proxy("http://[::1]:9000/", "::1")), false);
        assertThat(literal).contains("proxy_pass http://[0:0:0:0:0:0:0:1]:9000/;");
    }

    @Test
    void theDefaultServerClosesUnknownNames() {
        assertThat(blocks.defaultServer(true))
                .contains("listen 127.0.0.1:8088 default_server;")
                .contains("return 444;")
                .contains("listen 127.0.0.1:8448 ssl default_server;")
                .contains("ssl_reject_handshake on;");
        assertThat(blocks.defaultServer(false)).doesNotContain("ssl");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "com",
                "example.com.",
                ".example.com",
                "example..com",
                "-example.com",
                "example-.com",
                "Example.com",
                "EXAMPLE.COM",
                "exa$mple.com",
                "$host.com",
                "example.com;",
                "example.com; root /",
                "exa{mple.com",
                "exa}mple.com",
                "\"example.com\"",
                "'example.com'",
                "exa mple.com",
                "example.com ",
                "exa\tmple.com",
                "example.com\n",
                "example.com\nserver {",
                "example.com\r",
                "exa#mple.com",
                "exa\\mple.com",
                "*.example.com",
                "exa_mple.com",
                "exämple.com",
                "example.com/",
                "example.com:80",
                "1.2.3.4;",
            })
    void hostileNamesAreRefusedAsDomainAndAsAlias(String name) {
        assertInvalid(site(name, List.of(), "auto"));
        assertInvalid(site("example.com", List.of("www.example.com", name), "auto"));
    }

    @Test
    void overlongNamesAreRefused() {
        String label = "a".repeat(63);
        String name253 = String.join(".", label, label, label, "a".repeat(61));
        assertThat(name253).hasSize(253);
        assertThat(ServerBlocks.isName(name253)).isTrue();
        assertInvalid(site("b" + name253, List.of(), "auto"));
        assertInvalid(site("a".repeat(64) + ".com", List.of(), "auto"));
        assertInvalid(site(null, List.of(), "auto"));
        assertInvalid(site("example.com", java.util.Arrays.asList("www.example.com", null), "auto"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "backend.example.net",
                "ftp://backend.example.net",
                "http:/backend.example.net",
                "http://",
                "http://backend.example.net/$uri",
                "http://backend.example.net/${x}",
                "http://backend.example.net;",
                "http://backend.example.net/;return 200",
                "http://backend.example.net/a b",
                "http://backend.example.net/\"x\"",
                "http://backend.example.net/'x'",
                "http://backend.example.net/{x}",
                "http://backend.example.net/\nx",
                "http://backend.example.net\n",
                "http://backend.example.net/?q=1",
                "http://backend.example.net/#top",
                "http://backend.example.net/%2e%2e",
                "http://user:pw@backend.example.net/",
                "http://backend.example.net:0",
                "http://backend.example.net:65536",
                "http://backend.example.net:123456",
                "http://backend.example.net:-1",
                "http://back_end.example.net",
                "http://back$end.example.net",
                "http://localhost",
                "http://[::1%eth0]/",
                "http://[::g]/",
                "http://[1.2.3.4]/",
                " http://backend.example.net",
                "unix:/var/run/app.sock",
            })
    void hostileUpstreamsAreRefused(String upstream) {
        assertInvalid(proxy(upstream, "10.0.0.5"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "localhost",
                "backend.example.net",
                "10.0.0",
                "10.0.0.256",
                "10.0.0.5;",
                "10.0.0.5 ",
                " 10.0.0.5",
                "10.0.0.5\n",
                "10.0.0.5:80",
                "010.0.0.5",
                "[::1]",
                "::1;",
                "::1%eth0",
                "fe80::1%25eth0",
                ":::",
                "1::2::3",
                "$remote_addr",
                "abc:def:ghi",
            })
    void pinnedAddressesMustBeIpLiterals(String address) {
        assertInvalid(proxy("http://backend.example.net:8080", address));
    }

    @Test
    void missingOrUnknownPartsAreRefused() {
        assertInvalid(proxy("http://backend.example.net", null));
        assertInvalid(proxy(null, "10.0.0.5"));
        assertInvalid(new ApplyWebsite(ID, "example.com", List.of(), "php", null, null, "auto", null, null));
        assertInvalid(new ApplyWebsite(ID, "example.com", List.of(), null, null, null, "auto", null, null));
        assertInvalid(site("example.com", List.of(), "always"));
        assertInvalid(site("example.com", List.of(), "redirect;"));
        for (String id : new String[] {null, "", "id with space", "id\nserver", "id;", "a".repeat(65)}) {
            assertInvalid(new ApplyWebsite(id, "example.com", List.of(), "static", null, null, "auto", null, null));
        }
    }

    @Test
    void theOperatorsSettingsAreCheckedAtStart() {
        assertThatThrownBy(() -> new ServerBlocks(Path.of("/srv/my sites"), Path.of("/c"), "", 80, 443))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ServerBlocks(Path.of("/srv/sites;"), Path.of("/c"), "", 80, 443))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ServerBlocks(Path.of("/srv"), Path.of("/c/$x"), "", 80, 443))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ServerBlocks(Path.of("/srv"), Path.of("/c"), "0.0.0.0;", 80, 443))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ServerBlocks(Path.of("/srv"), Path.of("/c"), "localhost", 80, 443))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ServerBlocks(Path.of("/srv"), Path.of("/c"), "", 0, 443))
                .isInstanceOf(IllegalStateException.class);
        assertThat(new ServerBlocks(Path.of("/srv"), Path.of("/c"), "::1", 80, 443).defaultServer(false))
                .contains("listen [0:0:0:0:0:0:0:1]:80 default_server;");
    }

    @Test
    void certificateNamesCoverExactNamesAndOneLabelWildcards() {
        assertThat(SiteFiles.covers("example.com", "example.com")).isTrue();
        assertThat(SiteFiles.covers("*.example.com", "www.example.com")).isTrue();
        assertThat(SiteFiles.covers("*.example.com", "example.com")).isFalse();
        assertThat(SiteFiles.covers("*.example.com", "a.b.example.com")).isFalse();
        assertThat(SiteFiles.covers("*.com", "example.com")).isFalse();
        assertThat(SiteFiles.covers("example.com", "www.example.com")).isFalse();
    }

    private static void assertInvalid(ApplyWebsite website) {
        assertThatThrownBy(() -> ServerBlocks.check(website))
                .isInstanceOfSatisfying(
                        JobFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCodes.INVALID));
    }
}
