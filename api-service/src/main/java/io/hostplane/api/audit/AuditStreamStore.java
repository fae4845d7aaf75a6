package io.hostplane.api.audit;

import io.r2dbc.spi.Readable;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Audit stream definitions in {@code api.audit_streams} (the API's; the audit service reads them and keeps each
 * stream's position in its own schema). Credentials arrive here sealed and leave sealed.
 */
@Repository
class AuditStreamStore {

    /** A stream as stored. {@code tenant} null: every tenant. */
    record Stored(
            UUID id,
            String tenant,
            String kind,
            String url,
            String host,
            Integer port,
            List<String> types,
            String description,
            String tokenType,
            byte[] tokenSealed,
            byte[] caPemSealed,
            String sealKeyId,
            String tokenFingerprint,
            String caFingerprint,
            Instant pausedAt,
            Instant resumedAt,
            String createdBy,
            Instant createdAt,
            Instant updatedAt,
            long version) {

        @Override
        public String toString() {
            return "Stored[id=" + id + ", tenant=" + tenant + ", kind=" + kind + ", host=" + host + "]";
        }
    }

    private static final String COLUMNS = "id, tenant, kind, url, host, port, types, description, token_type, "
            + "token_sealed, ca_pem_sealed, seal_key_id, token_fingerprint, ca_fingerprint, paused_at, resumed_at, "
            + "created_by, created_at, updated_at, version";

    private final DatabaseClient db;

    AuditStreamStore(DatabaseClient db) {
        this.db = db;
    }

    Mono<Stored> find(UUID id) {
        return db.sql("select " + COLUMNS + " from api.audit_streams where id = :id")
                .bind("id", id)
                .map((row, meta) -> stored(row))
                .one();
    }

    /** Oldest first after {@code after}; {@code tenant} null: every stream (the operator). */
    Flux<Stored> list(String tenant, UUID after, int limit) {
        String sql = "select " + COLUMNS + " from api.audit_streams where true"
                + (tenant == null ? "" : " and tenant = :tenant")
                + (after == null ? "" : " and id > :after")
                + " order by id limit :limit";
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql).bind("limit", limit);
        if (tenant != null) {
            spec = spec.bind("tenant", tenant);
        }
        if (after != null) {
            spec = spec.bind("after", after);
        }
        return spec.map((row, meta) -> stored(row)).all();
    }

    /**
     * Inserts the stream unless its tenant has {@code max} streams already (streams over every tenant count
     * together): one statement, so two concurrent creations cannot both pass the count. False when the cap held.
     */
    Mono<Boolean> insertWithin(Stored s, int max) {
        String sql = "insert into api.audit_streams (id, tenant, kind, url, host, port, types, description, token_type,"
                + " token_sealed, ca_pem_sealed, seal_key_id, token_fingerprint, ca_fingerprint, created_by) "
                + "select :id, :tenant, :kind, :url, :host, :port, :types, :description, :tokenType, :token, :ca, "
                + ":keyId, :tokenFp, :caFp, :createdBy "
                + "where (select count(*) from api.audit_streams where tenant is not distinct from :tenant) < :max";
        DatabaseClient.GenericExecuteSpec spec =
                bindDefinition(db.sql(sql), s).bind("id", s.id()).bind("max", max);
        spec = bindNullable(spec, "tenant", s.tenant(), String.class);
        spec = bindNullable(spec, "createdBy", s.createdBy(), String.class);
        return spec.fetch().rowsUpdated().map(n -> n == 1);
    }

    /** Replaces the definition (the last change wins) and moves its version, which restarts its delivery. */
    Mono<Void> update(Stored s) {
        String sql = "update api.audit_streams set url = :url, host = :host, port = :port, types = :types, "
                + "description = :description, token_type = :tokenType, token_sealed = :token, ca_pem_sealed = :ca, "
                + "seal_key_id = :keyId, token_fingerprint = :tokenFp, ca_fingerprint = :caFp, kind = :kind, "
                + "updated_at = now(), version = version + 1 where id = :id";
        return bindDefinition(db.sql(sql), s).bind("id", s.id()).then();
    }

    /** Pauses (or resumes) the stream; a resume also clears a pause the audit service made after failures. */
    Mono<Void> pause(UUID id, boolean paused) {
        return db.sql(
                        paused
                                ? "update api.audit_streams set paused_at = coalesce(paused_at, now()), updated_at = now(), "
                                        + "version = version + 1 where id = :id"
                                : "update api.audit_streams set paused_at = null, resumed_at = now(), updated_at = now(), "
                                        + "version = version + 1 where id = :id")
                .bind("id", id)
                .then();
    }

    Mono<Void> delete(UUID id) {
        return db.sql("delete from api.audit_streams where id = :id")
                .bind("id", id)
                .then();
    }

    private static DatabaseClient.GenericExecuteSpec bindDefinition(DatabaseClient.GenericExecuteSpec spec, Stored s) {
        spec = spec.bind("kind", s.kind()).bind("types", s.types().toArray(String[]::new));
        spec = bindNullable(spec, "url", s.url(), String.class);
        spec = bindNullable(spec, "host", s.host(), String.class);
        spec = bindNullable(spec, "port", s.port(), Integer.class);
        spec = bindNullable(spec, "description", s.description(), String.class);
        spec = bindNullable(spec, "tokenType", s.tokenType(), String.class);
        spec = bindNullable(
                spec, "token", s.tokenSealed() == null ? null : ByteBuffer.wrap(s.tokenSealed()), ByteBuffer.class);
        spec = bindNullable(
                spec, "ca", s.caPemSealed() == null ? null : ByteBuffer.wrap(s.caPemSealed()), ByteBuffer.class);
        spec = bindNullable(spec, "keyId", s.sealKeyId(), String.class);
        spec = bindNullable(spec, "tokenFp", s.tokenFingerprint(), String.class);
        return bindNullable(spec, "caFp", s.caFingerprint(), String.class);
    }

    private static <T> DatabaseClient.GenericExecuteSpec bindNullable(
            DatabaseClient.GenericExecuteSpec spec, String name, T value, Class<T> type) {
        return value == null ? spec.bindNull(name, type) : spec.bind(name, value);
    }

    private static Stored stored(Readable row) {
        String[] types = row.get("types", String[].class);
        return new Stored(
                row.get("id", UUID.class),
                row.get("tenant", String.class),
                row.get("kind", String.class),
                row.get("url", String.class),
                row.get("host", String.class),
                row.get("port", Integer.class),
                types == null ? List.of() : Arrays.asList(types),
                row.get("description", String.class),
                row.get("token_type", String.class),
                bytes(row.get("token_sealed", ByteBuffer.class)),
                bytes(row.get("ca_pem_sealed", ByteBuffer.class)),
                row.get("seal_key_id", String.class),
                row.get("token_fingerprint", String.class),
                row.get("ca_fingerprint", String.class),
                instant(row.get("paused_at", OffsetDateTime.class)),
                instant(row.get("resumed_at", OffsetDateTime.class)),
                row.get("created_by", String.class),
                instant(row.get("created_at", OffsetDateTime.class)),
                instant(row.get("updated_at", OffsetDateTime.class)),
                row.get("version", Long.class));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
