package io.hostplane.api.ssl;

import io.hostplane.api.domains.OwnedDomains;
import io.hostplane.api.jobs.JobService;
import io.hostplane.api.system.ApiException;
import io.hostplane.api.system.RequestIds;
import io.hostplane.api.system.Responses;
import io.hostplane.api.system.security.ApiPrincipal;
import io.hostplane.common.envelope.ApiEnvelope;
import io.hostplane.common.event.InstallCertificate;
import io.hostplane.common.event.RemoveCertificate;
import io.hostplane.common.id.Ids;
import io.hostplane.common.job.JobTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/domains/{domain}/ssl}: show the domain's certificate; install one or remove it (jobs). The private key
 * is checked, sealed ({@link SslKeyCipher}) and stored in the job's transaction; the command carries the
 * certificate id, the public certificate and chain and the warnings, never the key.
 */
@RestController
@RequestMapping("/api/v1/domains/{domain}/ssl")
class SslController {

    private static final Logger log = LoggerFactory.getLogger(SslController.class);

    private final OwnedDomains owned;
    private final SslCertificateStore certificates;
    private final CertificateChecker checker;
    private final SslKeyCipher cipher;
    private final JobService jobs;

    private final java.time.Duration expiresSoon;

    SslController(
            OwnedDomains owned,
            SslCertificateStore certificates,
            CertificateChecker checker,
            SslKeyCipher cipher,
            JobService jobs,
            SslProperties properties) {
        this.expiresSoon = properties.expiresSoon();
        this.owned = owned;
        this.certificates = certificates;
        this.checker = checker;
        this.cipher = cipher;
        this.jobs = jobs;
    }

    @GetMapping
    Mono<ResponseEntity<ApiEnvelope>> get(
            @PathVariable String domain, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return owned.find(domain, caller)
                .flatMap(d -> current(d.name()))
                .map(c -> Responses.ok(exchange, "Certificate " + c.id() + " (" + c.status() + ").", c));
    }

    /**
     * Removes the domain's certificate from the web servers (a job); {@code 404} when it has none. The current
     * certificate is named in the command: once the job succeeds, it and every older upload are removed.
     */
    @DeleteMapping
    Mono<ResponseEntity<ApiEnvelope>> remove(
            @PathVariable String domain, @AuthenticationPrincipal ApiPrincipal caller, ServerWebExchange exchange) {
        return owned.forChange(domain, caller)
                .flatMap(d -> current(d.name())
                        .flatMap(c -> jobs.accept(
                                new JobService.NewJob(
                                        d.tenant(),
                                        JobTypes.SSL_REMOVE,
                                        "domains/" + d.name() + "/ssl",
                                        "ssl",
                                        d.name(),
                                        new RemoveCertificate(c.id(), d.name())),
                                caller,
                                RequestIds.of(exchange))))
                .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
    }

    /** The domain's current certificate, or {@code 404}. */
    private Mono<SslCertificateView> current(String domain) {
        return certificates
                .current(domain)
                .map(c -> c.at(java.time.Instant.now(), expiresSoon))
                .switchIfEmpty(Mono.error(ApiException.notFound("No certificate for " + domain + ".")));
    }

    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ApiEnvelope>> install(
            @PathVariable String domain,
            @RequestBody SslCertificateBody body,
            @AuthenticationPrincipal ApiPrincipal caller,
            ServerWebExchange exchange) {
        return owned.forChange(domain, caller).flatMap(d -> {
            CertificateChecker.Result result = checker.check(d.name(), body, List.of());
            if (!result.errors().isEmpty()) {
                return Mono.error(ApiException.badRequest(
                        "The certificate cannot be installed; nothing was changed.", result.errors()));
            }
            CertificateChecker.Checked checked = result.checked();
            UUID certificateId = Ids.uuidV7();
            SslKeyCipher.Sealed sealed =
                    cipher.seal(checked.privateKeyPem().getBytes(StandardCharsets.US_ASCII), certificateId.toString());
            String fingerprint = CertificateChecker.fingerprint(checked.leaf());
            JobService.NewJob job = new JobService.NewJob(
                    d.tenant(),
                    JobTypes.SSL_INSTALL,
                    "domains/" + d.name() + "/ssl",
                    "ssl",
                    d.name(),
                    new InstallCertificate(
                            certificateId.toString(),
                            d.name(),
                            checked.certificatePem(),
                            checked.chainPem(),
                            fingerprint,
                            checked.warnings()));
            return jobs.accept(
                            job,
                            caller,
                            RequestIds.of(exchange),
                            jobId -> certificates.insert(certificateId, d.tenant(), d.name(), jobId, checked, sealed))
                    .doOnNext(accepted -> log.info(
                            "certificate {} (sha256 {}) for {} accepted as job {}",
                            certificateId,
                            fingerprint,
                            d.name(),
                            accepted.id()))
                    .map(accepted -> Responses.accepted(exchange, accepted.id(), accepted));
        });
    }
}
