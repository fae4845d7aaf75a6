package io.hostplane.api.callbacks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A tenant's callback signing secrets in {@code api.callback_secrets}, sealed. */
@Repository
class CallbackSecretStore {

    /** A stored secret: {@code replacedAt} null for the current one. */
    record Stored(String id, byte[] sealed, Instant createdAt, Instant replacedAt) {

        @Override
        public String toString() {
            return "Stored[id=" + id + ", createdAt=" + createdAt + ", replacedAt=" + replacedAt + "]";
        }
    }

    private final DatabaseClient db;

    CallbackSecretStore(DatabaseClient db) {
        this.db = db;
    }

    /** The secrets that sign now: the current one and those replaced within {@code overlap}, newest first. */
    Flux<Stored> inForce(String tenant, Duration overlap) {
        return db.sql("select id, secret_sealed, created_at, replaced_at from api.callback_secrets "
                        + "where tenant_id = :tenant and (replaced_at is null "
                        + "or replaced_at > now() - :overlapMillis * interval '1 millisecond') "
                        + "order by replaced_at is not null, created_at desc")
                .bind("tenant", tenant)
                .bind("overlapMillis", overlap.toMillis())
                .map((row, meta) -> new Stored(
                        row.get("id", String.class),
                        bytes(row.get("secret_sealed", ByteBuffer.class)),
                        instant(row.get("created_at", OffsetDateTime.class)),
                        instant(row.get("replaced_at", OffsetDateTime.class))))
                .all();
    }

    /**
     * Makes {@code id} the tenant's current secret: the one current so far is replaced now, and without one the
     * derived secret ({@code derivedSealed}, under {@code derivedId}) is stored as replaced now. Runs in the
     * caller's transaction, after a lock on the tenant's secrets, so two rotations take turns.
     */
    Mono<Instant> rotate(String tenant, String id, byte[] sealed, String derivedId, byte[] derivedSealed) {
        return db.sql("select pg_advisory_xact_lock(hashtext('callback-secret:' || :tenant))")
                .bind("tenant", tenant)
                .then()
                .then(db.sql("update api.callback_secrets set replaced_at = now() "
                                + "where tenant_id = :tenant and replaced_at is null")
                        .bind("tenant", tenant)
                        .fetch()
                        .rowsUpdated())
                .flatMap(replaced -> replaced > 0
                        ? Mono.empty()
                        : db.sql("insert into api.callback_secrets (id, tenant_id, secret_sealed, replaced_at) "
                                        + "select :id, :tenant, :sealed, now() where not exists "
                                        + "(select 1 from api.callback_secrets where tenant_id = :tenant)")
                                .bind("id", derivedId)
                                .bind("tenant", tenant)
                                .bind("sealed", ByteBuffer.wrap(derivedSealed))
                                .then())
                .then(db.sql("insert into api.callback_secrets (id, tenant_id, secret_sealed) "
                                + "values (:id, :tenant, :sealed) returning created_at")
                        .bind("id", id)
                        .bind("tenant", tenant)
                        .bind("sealed", ByteBuffer.wrap(sealed))
                        .map((row, meta) -> instant(row.get("created_at", OffsetDateTime.class)))
                        .one());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
