package io.hostplane.api.ssl;

import io.hostplane.common.job.Warning;
import io.r2dbc.postgresql.codec.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** {@code api.ssl_certificates} (public facts) and {@code api.ssl_private_keys} (encrypted keys). */
@Repository
class SslCertificateStore {

    private final DatabaseClient db;
    private final JsonMapper json;

    SslCertificateStore(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Stores an upload as {@code pending}, with its key sealed; run in the job's transaction. */
    Mono<Void> insert(
            UUID id,
            String tenant,
            String domain,
            UUID jobId,
            CertificateChecker.Checked checked,
            SslKeyCipher.Sealed key) {
        var leaf = checked.leaf();
        Mono<Long> certificate = db.sql("insert into api.ssl_certificates (id, tenant_id, domain, job_id, status, "
                        + "subject, sans, issuer, not_before, not_after, fingerprint_sha256, serial, key_type, "
                        + "key_size, warnings, certificate, chain) values (:id, :tenant, :domain, :job, 'pending', "
                        + ":subject, :sans, :issuer, :notBefore, :notAfter, :fingerprint, :serial, :keyType, "
                        + ":keySize, :warnings, :certificate, :chain)")
                .bind("id", id)
                .bind("tenant", tenant)
                .bind("domain", domain)
                .bind("job", jobId)
                .bind("subject", leaf.getSubjectX500Principal().getName())
                .bind("sans", CertificateChecker.sans(leaf).toArray(String[]::new))
                .bind("issuer", leaf.getIssuerX500Principal().getName())
                .bind("notBefore", leaf.getNotBefore().toInstant().atOffset(java.time.ZoneOffset.UTC))
                .bind("notAfter", leaf.getNotAfter().toInstant().atOffset(java.time.ZoneOffset.UTC))
                .bind("fingerprint", CertificateChecker.fingerprint(leaf))
                .bind("serial", leaf.getSerialNumber().toString(16))
                .bind("keyType", CertificateChecker.keyType(leaf.getPublicKey()))
                .bind("keySize", CertificateChecker.keySize(leaf.getPublicKey()))
                .bind("warnings", Json.of(json.writeValueAsString(checked.warnings())))
                .bind("certificate", checked.certificatePem())
                .bind("chain", checked.chainPem())
                .fetch()
                .rowsUpdated();
        Mono<Long> privateKey = db.sql("insert into api.ssl_private_keys (certificate_id, nonce, ciphertext, key_id) "
                        + "values (:id, :nonce, :ciphertext, :keyId)")
                .bind("id", id)
                .bind("nonce", key.nonce())
                .bind("ciphertext", key.ciphertext())
                .bind("keyId", key.keyId())
                .fetch()
                .rowsUpdated();
        return certificate.then(privateKey).then();
    }

    /**
     * The domain's current certificate: the newest upload whose job has not failed or been cancelled (a
     * pending one while its job is queued or running).
     */
    Mono<SslCertificateView> current(String domain) {
        return db.sql("select c.* from api.ssl_certificates c join api.job_states j on j.id = c.job_id "
                        + "where c.domain = :domain and j.status not in ('failed', 'cancelled') "
                        + "and c.status in ('pending', 'installed') order by c.id desc limit 1")
                .bind("domain", domain)
                .map((row, meta) -> new SslCertificateView(
                        row.get("id", UUID.class).toString(),
                        row.get("domain", String.class),
                        row.get("status", String.class),
                        row.get("subject", String.class),
                        Arrays.asList(row.get("sans", String[].class)),
                        row.get("issuer", String.class),
                        instant(row.get("not_before", OffsetDateTime.class)),
                        instant(row.get("not_after", OffsetDateTime.class)),
                        row.get("fingerprint_sha256", String.class),
                        row.get("serial", String.class),
                        row.get("key_type", String.class),
                        row.get("key_size", Integer.class),
                        json.readValue(
                                row.get("warnings", Json.class).asString().getBytes(StandardCharsets.UTF_8),
                                new TypeReference<List<Warning>>() {}),
                        row.get("job_id", UUID.class).toString(),
                        instant(row.get("created_at", OffsetDateTime.class)),
                        instant(row.get("installed_at", OffsetDateTime.class)),
                        row.get("certificate", String.class),
                        row.get("chain", String.class),
                        null,
                        0))
                .one();
    }

    /**
     * Marks the certificate installed and every older certificate of the domain replaced, and deletes the
     * encrypted keys of those older ones (replaced, or never installed because their job failed): the
     * commands of one domain are applied in order, so none of them will be needed again.
     */
    Mono<Void> installed(UUID id, String domain) {
        Mono<Long> mark = db.sql("update api.ssl_certificates set status = 'installed', installed_at = now() "
                        + "where id = :id and status = 'pending'")
                .bind("id", id)
                .fetch()
                .rowsUpdated();
        Mono<Long> older = db.sql("update api.ssl_certificates set status = 'replaced' "
                        + "where domain = :domain and id < :id and status = 'installed'")
                .bind("domain", domain)
                .bind("id", id)
                .fetch()
                .rowsUpdated();
        Mono<Long> keys = db.sql("delete from api.ssl_private_keys k using api.ssl_certificates c "
                        + "where k.certificate_id = c.id and c.domain = :domain and c.id < :id")
                .bind("domain", domain)
                .bind("id", id)
                .fetch()
                .rowsUpdated();
        return mark.then(older).then(keys).then();
    }

    /**
     * Marks certificate {@code id} and every older upload of the domain {@code removed} (so that none is the
     * domain's current one) and deletes their encrypted keys. Uploads after the removal are not touched; an
     * older install whose success is folded later finds its row no longer {@code pending} and leaves it.
     */
    Mono<Void> removed(UUID id, String domain) {
        Mono<Long> mark = db.sql("update api.ssl_certificates set status = 'removed' "
                        + "where domain = :domain and id <= :id and status <> 'removed'")
                .bind("domain", domain)
                .bind("id", id)
                .fetch()
                .rowsUpdated();
        Mono<Long> keys = db.sql("delete from api.ssl_private_keys k using api.ssl_certificates c "
                        + "where k.certificate_id = c.id and c.domain = :domain and c.id <= :id")
                .bind("domain", domain)
                .bind("id", id)
                .fetch()
                .rowsUpdated();
        return mark.then(keys).then();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
