package io.hostplane.api.bootstrap;

import io.hostplane.api.accounts.AccountStore;
import io.hostplane.api.domains.DomainService;
import io.hostplane.api.domains.DomainStore;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.api.tokens.TokenStore;
import io.hostplane.common.id.Ids;
import io.hostplane.common.scope.Scope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * On the local stack's first start: tenant {@code demo} with a {@code *} token in
 * {@code .hostplane/demo-token}, a platform operator token in {@code .hostplane/admin-token} (both mode
 * 600), and domain {@code example.test} for {@code demo}. Later starts find them and change nothing.
 */
@Component
@ConditionalOnBooleanProperty("hostplane.bootstrap.enabled")
class DevBootstrap implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DevBootstrap.class);

    private final BootstrapProperties properties;
    private final AccountStore accounts;
    private final TokenStore tokens;
    private final DomainStore domains;
    private final DomainService domainService;

    DevBootstrap(
            BootstrapProperties properties,
            AccountStore accounts,
            TokenStore tokens,
            DomainStore domains,
            DomainService domainService) {
        this.properties = properties;
        this.accounts = accounts;
        this.tokens = tokens;
        this.domains = domains;
        this.domainService = domainService;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        Files.createDirectories(properties.dir());
        Duration timeout = Duration.ofSeconds(30);
        AccountStore.Account demo = accounts.findByName(properties.demoTenant())
                .switchIfEmpty(accounts.create(properties.demoTenant()))
                .block(timeout);
        Path demoToken = properties.dir().resolve("demo-token");
        if (!Files.exists(demoToken)) {
            var issued = tokens.issue(TokenStore.TokenSpec.simple(
                            demo.id(), properties.demoTenant(), "Demo token (local stack)", List.of(Scope.ALL)))
                    .block(timeout);
            writeSecret(demoToken, issued.token());
            log.info("Wrote the demo tenant's token (id {}) to {}", issued.id(), demoToken);
        }
        Path adminToken = properties.dir().resolve("admin-token");
        if (!Files.exists(adminToken)) {
            var issued = tokens.issue(TokenStore.TokenSpec.simple(
                            null,
                            "operator",
                            "Platform operator (local stack)",
                            List.of(Scope.PLATFORM_ADMIN.wireName())))
                    .block(timeout);
            writeSecret(adminToken, issued.token());
            log.info("Wrote the platform operator token (id {}) to {}", issued.id(), adminToken);
        }
        if (domains.find(properties.demoDomain()).blockOptional(timeout).isEmpty()) {
            var job = domainService
                    .create(demo.id(), properties.demoDomain(), ApiPrincipal.system(demo.id()), Ids.ulid())
                    .block(timeout);
            log.info("Adding demo domain {} (job {})", properties.demoDomain(), job.id());
        }
    }

    private static void writeSecret(Path file, String secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, secret + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
