package io.hostplane.api.backups;

import io.hostplane.api.domains.DomainView;
import io.hostplane.api.domains.OwnedDomains;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.Cursors;
import io.hostplane.api.system.Paging;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code /api/v1/backups}: backups of the caller's sites. Making, restoring and deleting one are jobs; the
 * list and the archive's download are read at once (the archive from the store the worker writes, mounted
 * here too).
 */
@RestController
@RequestMapping("/api/v1/backups")
class BackupController {

    static final int DOWNLOAD_BUFFER = 64 * 1024;

    private final OwnedDomains owned;
    private final BackupStore backups;
    private final BackupJobs jobs;
    private final Path storeDir;
    private final Path sitesDir;
    private final Cursors cursors;

    BackupController(
            OwnedDomains owned, BackupStore backups, BackupJobs jobs, BackupProperties properties, Cursors cursors) {
        this.owned = owned;
        this.cursors = cursors;
        this.backups = backups;
        this.jobs = jobs;
        this.storeDir = properties.storeDir().toAbsolutePath().normalize();
        this.sitesDir = properties.sitesDir() == null
                        || properties.sitesDir().toString().isBlank()
                ? null
                : properties.sitesDir().toAbsolutePath().normalize();
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> list(
            @RequestParam(required = false) String domain,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        Paging.checkLimit(limit);
        // With a domain, the cursor is read once the domain is found (404 before 400) and bound to its name.
        Mono<Optional<DomainView>> scope = domain == null
                ? Mono.just(Optional.empty())
                : owned.find(domain, caller).map(Optional::of);
        Mono<io.hostplane.common.envelope.Page<BackupView.Stored>> found = scope.flatMap(d -> {
            String name = d.map(DomainView::name).orElse(null);
            String tenant = d.map(DomainView::tenant).orElse(caller.isOperator() ? null : caller.tenant());
            Cursors.Query pages = cursors.query("backups", caller, name);
            UUID before = pages.after(cursor, UUID::fromString);
            return backups.list(tenant, name, before, limit + 1)
                    .collectList()
                    .map(rows ->
                            Paging.page(rows, limit, b -> pages.next(b.view().id())));
        });
        return found.map(page -> {
            List<BackupView> items = page.items().stream()
                    .filter(b -> caller.mayActOn(b.view().domain()))
                    .map(BackupView.Stored::view)
                    .toList();
            return Responses.ok(
                    exchange,
                    items.size() + " backups.",
                    new io.hostplane.common.envelope.Page<>(items, page.nextCursor()));
        });
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> create(
            @RequestBody(required = false) NewBackupBody body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        if (body == null) {
            throw ApiException.badRequest(
                    "The body must be a JSON object.",
                    List.of(new FieldError(null, ErrorCodes.INVALID, "Expected {\"domain\", \"label\"}.")));
        }
        String chosenLabel = body.label();
        return owned.forChange(body.domain(), caller)
                .flatMap(d -> hasSite(d.name())
                        ? jobs.create(d, chosenLabel, caller, RequestIds.of(exchange))
                        : Mono.error(ApiException.conflict(
                                "Domain " + d.name() + " has no site directory to back up.",
                                ErrorCodes.SITE_NOT_FOUND)))
                .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
    }

    /** Whether the domain's site exists, where the API can see the sites; true where it cannot. */
    private boolean hasSite(String domain) {
        return sitesDir == null || Files.isDirectory(sitesDir.resolve(domain));
    }

    @GetMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller)
                .map(b -> Responses.ok(exchange, "Backup " + b.view().id() + ".", b.view()));
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<ApiEnvelope>> delete(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller)
                .flatMap(b -> jobs.delete(b, caller, RequestIds.of(exchange)))
                .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
    }

    @PostMapping("/{id}/restore")
    Mono<ResponseEntity<ApiEnvelope>> restore(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller)
                .flatMap(b -> owned.forChange(b.view().domain(), caller).thenReturn(b))
                .flatMap(b -> jobs.restore(b, caller, RequestIds.of(exchange)))
                .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
    }

    /**
     * The archive, streamed from the store in 64 KiB reads as the client takes them (memory stays flat). Not
     * enveloped: the body is the {@code .tar.gz} itself; a refusal before the first byte is enveloped as usual.
     */
    @GetMapping("/{id}/archive")
    Mono<ResponseEntity<Flux<DataBuffer>>> archive(
            @PathVariable String id, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return visible(id, caller)
                .flatMap(b -> b.view().status().equals("available") && b.archive() != null
                        ? Mono.just(b)
                        : Mono.error(BackupJobs.notAvailable(b.view())))
                .flatMap(b -> Mono.fromCallable(() -> {
                            Path file = storeDir.resolve(b.archive()).normalize();
                            if (!file.startsWith(storeDir) || !Files.isRegularFile(file)) {
                                throw ApiException.notFound(
                                        "The archive of backup " + b.view().id() + " is not in the store.");
                            }
                            return ResponseEntity.ok()
                                    .contentType(MediaType.parseMediaType("application/gzip"))
                                    .contentLength(Files.size(file))
                                    .header(
                                            "Content-Disposition",
                                            ContentDisposition.attachment()
                                                    .filename(b.view().domain() + "-"
                                                            + b.view().id() + ".tar.gz")
                                                    .build()
                                                    .toString())
                                    .body(DataBufferUtils.read(
                                            file, exchange.getResponse().bufferFactory(), DOWNLOAD_BUFFER));
                        })
                        .subscribeOn(Schedulers.boundedElastic()));
    }

    /** The backup if the caller may see it; otherwise 404, as for an id that does not exist. */
    private Mono<BackupView.Stored> visible(String id, ApiPrincipal caller) {
        UUID parsed;
        try {
            parsed = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Mono.error(ApiException.notFound("No backup " + id + "."));
        }
        return backups.find(parsed)
                .filter(b -> caller.canAccessTenant(b.tenant())
                        && caller.mayActOn(b.view().domain()))
                .switchIfEmpty(Mono.error(ApiException.notFound("No backup " + id + ".")));
    }
}
